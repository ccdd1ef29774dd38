package dev.pypiwatch.api;

import java.time.Instant;

/**
 * The outcome of one successful exchange with the API: data, an empty data array, or a 404.
 *
 * <p>Failures (rate limits exhausted, invalid bodies, ...) are not values of this type but a
 * failed future with a {@link PypiStatsException}.
 */
public sealed interface ApiResponse<T>
    permits ApiResponse.Data, ApiResponse.NoData, ApiResponse.NotFound {

  /** The URL that was requested. */
  String url();

  /** When the answer was received. */
  Instant fetchedAt();

  /** True for {@link Data}. */
  default boolean isData() {
    return this instanceof Data;
  }

  /** True for {@link NoData}. */
  default boolean isNoData() {
    return this instanceof NoData;
  }

  /** True for {@link NotFound}. */
  default boolean isNotFound() {
    return this instanceof NotFound;
  }

  /** The value of a {@link Data}; throws {@link IllegalStateException} for the other cases. */
  default T value() {
    if (this instanceof Data<T> d) {
      return d.value();
    }
    throw new IllegalStateException("no value: " + this);
  }

  /** A 200 with data; {@code body} is the body text as received. */
  record Data<T>(T value, String body, String url, Instant fetchedAt) implements ApiResponse<T> {}

  /** A 200 whose {@code data} array is empty: no downloads known, which is not zero downloads. */
  record NoData<T>(String body, String url, Instant fetchedAt) implements ApiResponse<T> {}

  /** A 404: the upstream does not know the package (never retried). */
  record NotFound<T>(String url, Instant fetchedAt) implements ApiResponse<T> {}
}
