package dev.pypiwatch.simulate;

import java.util.Objects;

/**
 * One answer of the simulated upstream: status, {@code Content-Type} and body, as the real server
 * sends them (JSON for data, plain text or HTML for errors, never JSON).
 */
public record Answer(int status, String contentType, String body) {
  /** The JSON content type of every data answer. */
  public static final String JSON = "application/json";

  /** The HTML page the real server sends with a 429 (and no {@code Retry-After}). */
  public static final String RATE_LIMIT_HTML = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 "
      + "Final//EN\">\n<title>429 Too Many Requests</title>\n<h1>Too Many Requests</h1>\n"
      + "<p>30 per 1 minute</p>\n";

  public Answer {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
  }

  /** 200 with a JSON body. */
  public static Answer json(String body) {
    return new Answer(200, JSON, body);
  }

  /** The real server's 404: the plain text {@code 404}. */
  public static Answer notFound() {
    return text(404, "404");
  }

  /** The real server's 429: HTML. */
  public static Answer rateLimited() {
    return new Answer(429, "text/html; charset=utf-8", RATE_LIMIT_HTML);
  }

  /** Any status with a plain-text body. */
  public static Answer text(int status, String text) {
    return new Answer(status, "text/plain; charset=utf-8", text);
  }

  /** True for a 200. */
  public boolean isOk() {
    return status == 200;
  }
}
