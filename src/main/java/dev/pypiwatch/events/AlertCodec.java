package dev.pypiwatch.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON wire format of an {@link Alert} ({@value #ALERT_SCHEMA}): the value of a record on the
 * alerts topic (default {@code pypistats.alerts}, key = the fingerprint), and each line of
 * {@code pypiwatch backtest --format jsonl}.
 *
 * <p>A flat object with snake_case keys, written in a fixed order by hand on {@link EventCodec}'s
 * one shared factory, and read with the same rules as the other events: unknown fields are ignored,
 * duplicate keys are rejected, every field is required, and each problem is an {@link
 * EventDecodingException} naming the field.
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
        f.string("link"));
  }

  private static void writeNumber(JsonGenerator g, String name, double value) throws IOException {
    if (Double.isFinite(value)) {
      g.writeNumberField(name, value);
    } else {
      g.writeNullField(name);
    }
  }
}
