package dev.pypiwatch.api;

/**
 * A complete HTTP answer: status, the Retry-After header if any, the body, and the number of
 * the attempt that got it.
 */
record RawAnswer(int status, String retryAfter, byte[] body, int attempt) {
  RawAnswer withAttempt(int n) {
    return new RawAnswer(status, retryAfter, body, n);
  }
}
