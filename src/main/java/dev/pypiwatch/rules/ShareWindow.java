package dev.pypiwatch.rules;

/**
 * The shares of every category of one endpoint on the days of a window that have downloads, each
 * category's sorted: the share rules' baseline window, slid from one evaluated day to the next.
 */
final class ShareWindow extends SortedWindow {
  private final PackageHistory.EndpointSeries series;

  ShareWindow(PackageHistory.EndpointSeries series) {
    this.series = series;
  }

  @Override
  int lanes() {
    return series.size();
  }

  @Override
  boolean included(int day, int param) {
    return series.total(day) > 0;
  }

  @Override
  double value(int lane, int day, int param) {
    return Shares.share(series.series(lane), day, series.total(day));
  }
}
