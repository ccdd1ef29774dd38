package dev.pypiwatch.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SeriesChartTest {
  private static final LocalDate LAST = LocalDate.of(2026, 11, 24);
  private static final int W = 640;
  private static final int H = 320;

  @Test
  void isAPngOfTheRequestedSize() {
    byte[] png = SeriesChart.png(weekly(90), Set.of(LAST), W, H);

    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assertArrayEquals(signature, Arrays.copyOf(png, 8));
    BufferedImage img = decode(png);
    assertEquals(W, img.getWidth());
    assertEquals(H, img.getHeight());
  }

  @Test
  void aMarkedDayGetsRedColumnsWhereTheDayIs() {
    RecentSeries s = weekly(90);
    TreeSet<Integer> none = columns(SeriesChart.png(s, Set.of(), W, H), SeriesChart.MARK);
    TreeSet<Integer> early = columns(SeriesChart.png(s, Set.of(LAST.minusDays(50)), W, H),
        SeriesChart.MARK);
    TreeSet<Integer> late = columns(SeriesChart.png(s, Set.of(LAST.minusDays(5)), W, H),
        SeriesChart.MARK);

    // The legend shows the mark colour in every chart; the mark itself is what the marked day adds.
    early.removeAll(none);
    late.removeAll(none);
    assertFalse(early.isEmpty(), "no mark for the day 50 days back");
    assertFalse(late.isEmpty(), "no mark for the day 5 days back");
    // Day 9 of 60 is in the left part of the plot, day 54 of 60 in the right part.
    assertTrue(early.last() < W / 3, "early mark at columns " + early);
    assertTrue(late.first() > 2 * W / 3, "late mark at columns " + late);
  }

  @Test
  void daysBeforeTheLastSixtyAreNotShown() {
    RecentSeries s = weekly(90);
    TreeSet<Integer> none = columns(SeriesChart.png(s, Set.of(), W, H), SeriesChart.BAND);
    TreeSet<Integer> old = columns(SeriesChart.png(s, Set.of(LAST.minusDays(70)), W, H),
        SeriesChart.BAND);

    assertTrue(none.isEmpty(), "a band without a marked day");
    assertEquals(none, old);
  }

  @Test
  void anUnknownDayIsAGapInTheLineButItsMarkIsVisible() {
    LocalDate day = LAST.minusDays(30);
    long[] daily = weekly(90).daily();
    daily[daily.length - 1 - 30] = -1;
    RecentSeries withGap = new RecentSeries("requests", LAST, daily);

    BufferedImage known = decode(SeriesChart.png(weekly(90), Set.of(day), W, H));
    BufferedImage unknown = decode(SeriesChart.png(withGap, Set.of(day), W, H));

    TreeSet<Integer> band = columns(unknown, SeriesChart.BAND::equals);
    assertFalse(band.isEmpty(), "no band for the unknown marked day");
    assertEquals(band, columns(known, SeriesChart.BAND::equals));
    // Only the middle of the band: the lines to the neighbouring days enter its edges.
    int mid = (band.first() + band.last()) / 2;
    assertTrue(hasLine(known, mid), "the line crosses a known day");
    assertFalse(hasLine(unknown, mid), "the line crosses an unknown day");
    // The legend's red point is in every chart; a marked unknown day adds none of its own.
    assertEquals(columns(SeriesChart.png(withGap, Set.of(), W, H), SeriesChart.MARK),
        columns(unknown, SeriesChart.MARK::equals), "a point was drawn for an unknown count");
  }

  @Test
  void aShortSeriesAndAnAllUnknownSeriesRender() {
    long[] unknown = new long[60];
    Arrays.fill(unknown, -1);

    BufferedImage shortOne = decode(SeriesChart.png(
        new RecentSeries("new-pkg", LAST, new long[] {5, 8, 13}), Set.of(LAST), W, H));
    BufferedImage blank = decode(SeriesChart.png(
        new RecentSeries("gone", LAST, unknown), Set.of(), 300, 200));

    assertEquals(W, shortOne.getWidth());
    assertEquals(300, blank.getWidth());
  }

  /** {@code days} days of a weekday/weekend pattern around 1,000,000 a day. */
  static RecentSeries weekly(int days) {
    long[] daily = new long[days];
    for (int i = 0; i < days; i++) {
      int weekday = LAST.minusDays(days - 1L - i).getDayOfWeek().getValue();
      daily[i] = weekday >= 6 ? 600_000 : 1_000_000 + 10_000L * (i % 5);
    }
    return new RecentSeries("requests", LAST, daily);
  }

  private static TreeSet<Integer> columns(byte[] png, Color colour) {
    return columns(decode(png), colour::equals);
  }

  /** The x of every column with a pixel of which {@code match} holds. */
  private static TreeSet<Integer> columns(BufferedImage img, java.util.function.Predicate<Color> match) {
    TreeSet<Integer> xs = new TreeSet<>();
    for (int x = 0; x < img.getWidth(); x++) {
      for (int y = 0; y < img.getHeight(); y++) {
        if (match.test(new Color(img.getRGB(x, y)))) {
          xs.add(x);
          break;
        }
      }
    }
    return xs;
  }

  /** Whether column {@code x} has a pixel of the (blue) download line within the plot's band. */
  private static boolean hasLine(BufferedImage img, int x) {
    // The band spans the plot's height; below it the legend has a blue line sample of its own.
    int top = -1;
    int bottom = -1;
    for (int y = 0; y < img.getHeight(); y++) {
      if (SeriesChart.BAND.equals(new Color(img.getRGB(x, y)))) {
        top = top < 0 ? y : top;
        bottom = y;
      }
    }
    for (int y = top; y >= 0 && y <= bottom; y++) {
      Color c = new Color(img.getRGB(x, y));
      if (c.getBlue() > c.getRed() + 60) {
        return true;
      }
    }
    return false;
  }

  static BufferedImage decode(byte[] png) {
    try {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      assertTrue(img != null, "not a decodable image");
      return img;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
