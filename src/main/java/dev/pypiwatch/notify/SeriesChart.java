package dev.pypiwatch.notify;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.SimpleDateFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;
import java.util.TimeZone;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.time.Day;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

/**
 * A PNG chart of a package's daily downloads over the last 60 days, alert days marked, for
 * e-mails.
 */
public final class SeriesChart {
  /** Days shown, up to the series' last day. */
  static final int DAYS = 60;
  /** Fill of the point on an alert day's count. */
  static final Color MARK = new Color(214, 39, 40);
  /** Background band behind an alert day, visible even when its count is unknown. */
  static final Color BAND = new Color(255, 222, 222);

  private static final Color LINE = new Color(31, 119, 180);
  // Days are UTC dates (pypistats' days); the axis must not shift them into the JVM's zone.
  private static final TimeZone UTC = TimeZone.getTimeZone(ZoneOffset.UTC);

  private SeriesChart() {}

  /**
   * The chart of the last {@value #DAYS} days of {@code s} as a PNG of {@code width} x {@code
   * height} pixels: a line of daily downloads with gaps on unknown days, and each day of {@code
   * marked} in that range as a red band with a red point on its count.
   */
  public static byte[] png(RecentSeries s, Set<LocalDate> marked, int width, int height) {
    LocalDate first = s.last().minusDays(DAYS - 1L);
    TimeSeries downloads = new TimeSeries("downloads per day");
    TimeSeries alerts = new TimeSeries("alert day");
    for (LocalDate d = first; !d.isAfter(s.last()); d = d.plusDays(1)) {
      long n = s.at(d);
      // A null value is a gap: the line is not drawn through an unknown day.
      downloads.add(day(d), n < 0 ? null : n);
      if (marked.contains(d) && n >= 0) {
        alerts.add(day(d), n);
      }
    }
    TimeSeriesCollection data = new TimeSeriesCollection(UTC);
    data.addSeries(downloads);
    data.addSeries(alerts);

    DateAxis time = new DateAxis("date (UTC)", UTC, Locale.ENGLISH);
    SimpleDateFormat dayFormat = new SimpleDateFormat("MMM d", Locale.ENGLISH);
    dayFormat.setTimeZone(UTC);
    time.setDateFormatOverride(dayFormat);
    time.setRange(millis(first), millis(s.last().plusDays(1)));
    NumberAxis count = new NumberAxis("downloads per day");
    count.setAutoRangeIncludesZero(true);
    count.setNumberFormatOverride(new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)));

    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesPaint(0, LINE);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    renderer.setSeriesShapesVisible(0, false);
    renderer.setSeriesPaint(1, MARK);
    renderer.setSeriesLinesVisible(1, false);
    renderer.setSeriesShape(1, new Ellipse2D.Double(-5, -5, 10, 10));

    XYPlot plot = new XYPlot(data, time, count, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    for (LocalDate d : marked) {
      if (!d.isBefore(first) && !d.isAfter(s.last())) {
        IntervalMarker band = new IntervalMarker(millis(d), millis(d.plusDays(1)), BAND);
        band.setAlpha(1f);
        plot.addDomainMarker(band, Layer.BACKGROUND);
      }
    }

    JFreeChart chart = new JFreeChart(s.packageName(), JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    try {
      return ChartUtils.encodeAsPNG(chart.createBufferedImage(width, height));
    } catch (IOException e) {
      // Encoding into memory does no I/O; this would be a bug, not a condition to handle.
      throw new UncheckedIOException(e);
    }
  }

  private static Day day(LocalDate d) {
    return new Day(d.getDayOfMonth(), d.getMonthValue(), d.getYear());
  }

  private static long millis(LocalDate d) {
    return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }
}
