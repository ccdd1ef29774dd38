package dev.pypiwatch.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scripted answer of {@link FakePypiStats}: status, headers, body, an optional delay, and how
 * the body is delivered (whole, chunked, or cut off by closing the connection).
 */
public record FakeResponse(int status, Map<String, String> headers, byte[] body, Duration delay,
    Delivery delivery, int sendBytes) {

  /** How the body reaches the client. */
  public enum Delivery {
    /** With a correct Content-Length. */
    WHOLE,
    /** Chunked transfer encoding, no Content-Length (tests the streaming size cap). */
    CHUNKED,
    /** Declares the full Content-Length, sends {@code sendBytes}, then closes the connection. */
    CLOSE_EARLY
  }

  /** The HTML page the real server sends with a 429. */
  public static final String RATE_LIMIT_HTML = dev.pypiwatch.simulate.Answer.RATE_LIMIT_HTML;

  public FakeResponse {
    headers = Map.copyOf(headers);
  }

  /** 200 with a JSON body. */
  public static FakeResponse ok(String json) {
    return new FakeResponse(200, Map.of("Content-Type", "application/json"), bytes(json),
        Duration.ZERO, Delivery.WHOLE, 0);
  }

  /** Any status with a plain-text body, like the real server's error pages. */
  public static FakeResponse status(int status, String text) {
    return new FakeResponse(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
        bytes(text), Duration.ZERO, Delivery.WHOLE, 0);
  }

  /** The real server's 404: text {@code 404}. */
  public static FakeResponse notFound() {
    return status(404, "404");
  }

  /** The real server's 503. */
  public static FakeResponse temporarilyDisabled() {
    return status(503, "503 TEMPORARILY DISABLED");
  }

  /** The real server's 429: HTML, no Retry-After. */
  public static FakeResponse rateLimited() {
    return new FakeResponse(429, Map.of("Content-Type", "text/html; charset=utf-8"),
        bytes(RATE_LIMIT_HTML), Duration.ZERO, Delivery.WHOLE, 0);
  }

  /** A 429 with a {@code Retry-After} header (seconds or HTTP date). */
  public static FakeResponse rateLimited(String retryAfter) {
    return rateLimited().withHeader("Retry-After", retryAfter);
  }

  /** 200 with an empty data array, as python_major/python_minor/system send for no data. */
  public static FakeResponse emptyData(String pkg, String type) {
    return ok("{\"data\":[],\"package\":\"" + pkg + "\",\"type\":\"" + type + "\"}");
  }

  /** A body cut after {@code keepBytes} but complete at the HTTP level (Content-Length fits). */
  public static FakeResponse cutMidJson(String json, int keepBytes) {
    return ok(new String(bytes(json), 0, keepBytes, StandardCharsets.UTF_8));
  }

  /** Declares all of {@code json} in Content-Length, sends {@code sendBytes}, drops the line. */
  public static FakeResponse closedEarly(String json, int sendBytes) {
    return new FakeResponse(200, Map.of("Content-Type", "application/json"), bytes(json),
        Duration.ZERO, Delivery.CLOSE_EARLY, sendBytes);
  }

  /** This answer sent after {@code delay} (a slow server). */
  public FakeResponse withDelay(Duration delay) {
    return new FakeResponse(status, headers, body, delay, delivery, sendBytes);
  }

  /** This answer with one more header. */
  public FakeResponse withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new FakeResponse(status, h, body, delay, delivery, sendBytes);
  }

  /** This answer with chunked transfer encoding instead of a Content-Length. */
  public FakeResponse chunked() {
    return new FakeResponse(status, headers, body, delay, Delivery.CHUNKED, sendBytes);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
