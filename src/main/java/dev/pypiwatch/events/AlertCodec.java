package dev.pypiwatch.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON wire format of an {@link Alert} ({@value #ALERT_SCHEMA}): the value of a record on the
 * alerts topic (default {@code pypistats.alerts}, key = the fingerprint), and each line of
 * {@code pypiwatch backtest --format jsonl}.
 *
 * <p>A flat object with snake_case keys, written in a fixed order by hand on {@link EventCodec}'s
 * one shared factory, and read with the same rules as the other events: unknown fields are ignored,
 * duplicate keys are rejected, every field but {@code context} is required, and each problem is an {@link
 * EventDecodingException} naming the field.
 *
 * <h3>Context</h3>
 *
 * The optional {@code context} object ({@link AlertContext}) is written only when the alert has one
 * (firing transitions of the rule stage); each of its fields is written, null when unknown, and read
 * as optional, so a consumer of an older or newer writer still decodes it.
 *
 * <h3>Non-finite values</h3>
 *
 * JSON has no NaN or infinity: a non-finite {@code observed}, {@code expected} or {@code score}
 * (e.g. a score against an expected 0) is written as {@code null} and read back as NaN.
 */
public final class AlertCodec {
  /** The {@code schema} value of an alert. */
  public static final String ALERT_SCHEMA = "pypiwatch.alert/1";

  private AlertCodec() {}

  /** The JSON (UTF-8) of {@code a}. */
  public static byte[] encode(Alert a) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(512);
        JsonGenerator g = EventCodec.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", ALERT_SCHEMA);
      g.writeStringField("fingerprint", a.fingerprint());
      g.writeStringField("package", a.packageName());
      g.writeStringField("rule", a.rule());
      g.writeStringField("series", a.series());
      g.writeStringField("category", a.category());
      g.writeStringField("date", a.date().toString());
      g.writeStringField("state", a.state().wire());
      g.writeStringField("severity", a.severity().wire());
      writeNumber(g, "observed", a.observed());
      writeNumber(g, "expected", a.expected());
      writeNumber(g, "score", a.score());
      g.writeStringField("summary", a.summary());
      g.writeStringField("link", a.link());
      if (a.context() != null) {
        writeContext(g, a.context());
      }
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode alert " + a.fingerprint(), e);
    }
  }

  /**
   * The alert in {@code json}.
   *
   * @throws EventDecodingException naming the field and the problem (no field when the document
   *     itself is malformed)
   */
  public static Alert decode(byte[] json) {
    Alert quick = AlertFastPath.alert(json); // the usual shape, byte for byte; anything else is read below
    return quick != null ? quick : decodeGeneral(json);
  }

  /**
   * The alert in {@code json}, its fingerprint, package, date and state read at once and the rest
   * when first asked for ({@link LazyAlert#alert()}): a reader that often needs no more (the
   * notifier's catch-up of history) builds no more. An alert of another shape than {@link #encode}'s
   * is decoded whole at once.
   *
   * @throws EventDecodingException as {@link #decode}
   */
  public static LazyAlert decodeLazily(byte[] json) {
    LazyAlert head = AlertFastPath.head(json); // checked whole, byte for byte: the rest decodes as decode would
    return head != null ? head : LazyAlert.of(decodeGeneral(json));
  }

  /**
   * An alert whose fingerprint, package, date and state are known, the rest decoded from its JSON on
   * the first {@link #alert()} (the JSON then let go). Not thread-safe.
   */
  public static final class LazyAlert {
    private final String fingerprint;
    private final String packageName;
    private final LocalDate date;
    private final AlertState state;
    private byte[] json;
    private Alert alert;

    LazyAlert(String fingerprint, String packageName, LocalDate date, AlertState state, byte[] json) {
      this.fingerprint = fingerprint;
      this.packageName = packageName;
      this.date = date;
      this.state = state;
      this.json = json;
    }

    /** {@code a}, decoded already. */
    public static LazyAlert of(Alert a) {
      LazyAlert l = new LazyAlert(a.fingerprint(), a.packageName(), a.date(), a.state(), null);
      l.alert = a;
      return l;
    }

    /** The alert's fingerprint. */
    public String fingerprint() {
      return fingerprint;
    }

    /** The alert's package. */
    public String packageName() {
      return packageName;
    }

    /** The alert's day. */
    public LocalDate date() {
      return date;
    }

    /** The alert's state. */
    public AlertState state() {
      return state;
    }

    /** The whole alert, as {@link #decode} reads it. */
    public Alert alert() {
      if (alert == null) {
        alert = decode(json); // its shape was checked whole: the fast path reads it
        json = null;
      }
      return alert;
    }
  }

  /** {@link #decode} without the fast path: every shape, every problem named. */
  static Alert decodeGeneral(byte[] json) {
    JsonFields f = EventCodec.parse(json);
    f.requireSchema(ALERT_SCHEMA);
    return new Alert(
        f.string("fingerprint"),
        f.string("package"),
        f.string("rule"),
        f.string("series"),
        f.string("category"),
        f.date("date"),
        f.wire("state", AlertState::fromWire, "'firing' or 'resolved'"),
        f.wire("severity", Severity::fromWire, "'info', 'warning' or 'critical'"),
        f.number("observed", true),
        f.number("expected", true),
        f.number("score", true),
        f.string("summary"),
        f.string("link"),
        context(f.optionalObject("context")));
  }

  private static void writeContext(JsonGenerator g, AlertContext c) throws IOException {
    g.writeObjectFieldStart("context");
    writeNumber(g, "ecosystem_change", c.ecosystemChange() == null ? Double.NaN : c.ecosystemChange());
    writeNumber(g, "mirror_share", c.mirrorShare() == null ? Double.NaN : c.mirrorShare());
    if (c.oneDayIn() == null) {
      g.writeNullField("one_day_in");
    } else {
      g.writeNumberField("one_day_in", c.oneDayIn());
    }
    g.writeStringField("unusual", c.unusual());
    g.writeStringField("weekday", c.weekday());
    g.writeStringField("holiday", c.holiday());
    if (c.release() == null) {
      g.writeNullField("release");
    } else {
      g.writeObjectFieldStart("release");
      g.writeStringField("version", c.release().version());
      g.writeStringField("uploaded", c.release().uploaded().toString());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** The context object (every field optional: unknown ones read null), or null if absent. */
  private static AlertContext context(JsonNode c) {
    if (c == null || c.isNull()) {
      return null;
    }
    Release release = null;
    JsonNode r = c.get("release");
    if (r != null && !r.isNull()) {
      if (!r.isObject()) {
        throw new EventDecodingException("context.release", "expected an object or null, got " + r, null);
      }
      String version = text(r, "context.release", "version");
      String uploaded = text(r, "context.release", "uploaded");
      if (version == null || uploaded == null) {
        throw new EventDecodingException("context.release", "needs version and uploaded, got " + r, null);
      }
      try {
        release = new Release(version, Instant.parse(uploaded));
      } catch (DateTimeParseException e) {
        throw new EventDecodingException("context.release.uploaded",
            "expected an RFC 3339 UTC timestamp, got '" + uploaded + "'", e);
      }
    }
    JsonNode n = c.get("one_day_in");
    Long oneDayIn = null;
    if (n != null && !n.isNull()) {
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        throw new EventDecodingException("context.one_day_in", "expected an integer or null, got " + n, null);
      }
      oneDayIn = n.longValue();
    }
    return new AlertContext(fraction(c, "ecosystem_change"), fraction(c, "mirror_share"), oneDayIn,
        text(c, "context", "unusual"), text(c, "context", "weekday"), text(c, "context", "holiday"), release);
  }

  private static Double fraction(JsonNode c, String name) {
    JsonNode v = c.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new EventDecodingException("context." + name, "expected a number or null, got " + v, null);
    }
    return v.doubleValue();
  }

  private static String text(JsonNode o, String where, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new EventDecodingException(where + "." + name, "expected a string or null, got " + v, null);
    }
    return v.asText();
  }

  private static void writeNumber(JsonGenerator g, String name, double value) throws IOException {
    if (Double.isFinite(value)) {
      g.writeNumberField(name, value);
    } else {
      g.writeNullField(name);
    }
  }
}
