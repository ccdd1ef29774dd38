package dev.pypiwatch.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.pypiwatch.events.Alert;
import dev.pypiwatch.events.AlertCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The JSON body ({@value #SCHEMA}) a generic webhook receives: the notification's id, receiver,
 * kind and date, its alerts exactly as on the alerts topic ({@link AlertCodec}), and the digest's
 * lines. Layout and fields: docs/notifications.md.
 */
public final class WebhookPayload {
  /** The {@code schema} value of a notification. */
  public static final String SCHEMA = "pypiwatch.notification/1";

  private static final JsonFactory FACTORY = new JsonFactory();

  private WebhookPayload() {}

  /** The JSON (UTF-8) of {@code n}. */
  public static byte[] encode(Notification n) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(1024);
        JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("schema", SCHEMA);
      g.writeStringField("id", n.id());
      g.writeStringField("receiver", n.receiver());
      g.writeStringField("kind", n.kind().name().toLowerCase(Locale.ROOT));
      g.writeStringField("date", n.date().toString());
      g.writeArrayFieldStart("alerts");
      for (Alert a : n.alerts()) {
        // The alert event's own bytes: one serializer, so the two can never drift apart.
        g.writeRawValue(new String(AlertCodec.encode(a), StandardCharsets.UTF_8));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("digest");
      for (DigestLine d : n.digest()) {
        writeDigestLine(g, d);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode notification " + n.id(), e);
    }
  }

  private static void writeDigestLine(JsonGenerator g, DigestLine d) throws IOException {
    g.writeStartObject();
    g.writeStringField("package", d.packageName());
    if (d.lastDay() < 0) {
      g.writeNullField("last_day");
    } else {
      g.writeNumberField("last_day", d.lastDay());
    }
    g.writeNumberField("last_week", d.lastWeek());
    if (Double.isFinite(d.weekChange())) {
      g.writeNumberField("week_change", d.weekChange());
    } else {
      g.writeNullField("week_change");
    }
    g.writeNumberField("firing", d.firing());
    g.writeEndObject();
  }
}
