package io.fetchpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress bar's text: what it shows with and without a total, and how it fits a width. */
class ProgressLineTest {
  private static ProgressLine.Snapshot snapshot(
      long ok, long failed, long total, long seconds, double rate) {
    return new ProgressLine.Snapshot(ok, failed, total, Duration.ofSeconds(seconds), rate);
  }

  @Test
  void withATotalItShowsPercentBarCountsRateTimeAndTimeLeft() {
    String line = ProgressLine.render(snapshot(8350, 50, 20_000, 55, 152.4), 120);
    // 8400 of 20 000: 42 %, 16 of the bar's 40 places; 11 600 left at 152.4/s: 77 s.
    assertEquals(
        "fetch  42%  ["
            + "=".repeat(16)
            + ">"
            + " ".repeat(23)
            + "]  8400/20000  8350 ok  50 failed"
            + "  152/s  0:55  ETA 1:17",
        line);
  }

  @Test
  void withoutATotalItShowsCountsRateAndTime() {
    assertEquals(
        "fetch  749 done  735 ok  14 failed  187/s  0:04",
        ProgressLine.render(snapshot(735, 14, -1, 4, 187.3), 120));
  }

  @Test
  void anUnknownRateIsLeftOutAndSoIsTheTimeLeft() {
    assertEquals(
        "fetch   0%  [>" + " ".repeat(39) + "]  0/3120  0 ok  0 failed  0:00",
        ProgressLine.render(snapshot(0, 0, 3120, 0, Double.NaN), 120));
  }

  @Test
  void aStallShowsAsZeroPerSecondWithoutATimeLeft() {
    assertEquals(
        "fetch  10 done  10 ok  0 failed  0.0/s  1:05",
        ProgressLine.render(snapshot(10, 0, -1, 65, 0.0), 120));
    assertTrue(ProgressLine.render(snapshot(10, 0, 100, 65, 0.0), 120).endsWith("0.0/s  1:05"));
  }

  @Test
  void aNarrowTerminalLosesTheBarThenTheTimeThenTheTimeLeftThenTheRate() {
    ProgressLine.Snapshot s = snapshot(1298, 25, 3120, 6, 239);
    String full = "fetch  42%  1323/3120  1298 ok  25 failed  239/s  0:06  ETA 0:08";
    assertEquals(
        full,
        ProgressLine.render(s, full.length() + 2 + 2 + ProgressLine.MIN_BAR - 1),
        "no room for a bar");
    assertTrue(
        ProgressLine.render(s, full.length() + 2 + 2 + ProgressLine.MIN_BAR)
            .contains("[====>     ]"));
    assertEquals(
        "fetch  42%  1323/3120  1298 ok  25 failed  239/s  ETA 0:08",
        ProgressLine.render(s, full.length() - 1));
    assertEquals("fetch  42%  1323/3120  1298 ok  25 failed  239/s", ProgressLine.render(s, 55));
    assertEquals("fetch  42%  1323/3120  1298 ok  25 failed", ProgressLine.render(s, 45));
    assertEquals("fetch  42%  1323/", ProgressLine.render(s, 17));
  }

  @Test
  void theLineIsNeverWiderThanTheWidth() {
    ProgressLine.Snapshot[] snapshots = {
      snapshot(123_456, 7_890, 1_000_000, 4000, 1234.5),
      snapshot(3, 0, -1, 1, 2.5),
      snapshot(0, 0, 0, 0, Double.NaN)
    };
    for (ProgressLine.Snapshot s : snapshots) {
      for (int width = 0; width <= 200; width++) {
        assertTrue(
            ProgressLine.render(s, width).length() <= width,
            width + ": " + ProgressLine.render(s, width));
      }
    }
  }

  @Test
  void aTotalBelowWhatIsDoneReadsAsDoneAndAnEmptyInputAsComplete() {
    assertEquals(
        "fetch 100%  12/12  12 ok  0 failed  0:01",
        ProgressLine.render(snapshot(12, 0, 5, 1, Double.NaN), 40));
    assertEquals(100, ProgressLine.percent(snapshot(0, 0, 0, 0, Double.NaN)));
    assertEquals("[==========]", ProgressLine.bar(snapshot(0, 0, 0, 0, Double.NaN), 10));
  }

  @Test
  void ratesAndClocksAreShort() {
    assertEquals("7.4/s", ProgressLine.rate(7.44));
    assertEquals("152/s", ProgressLine.rate(152.4));
    assertEquals("0:00", ProgressLine.clock(Duration.ZERO));
    assertEquals("1:05", ProgressLine.clock(Duration.ofSeconds(65)));
    assertEquals("1:00:00", ProgressLine.clock(Duration.ofHours(1)));
    assertEquals("0:00", ProgressLine.clock(Duration.ofSeconds(-3)));
  }

  @Test
  void theTextIsAscii() {
    String line = ProgressLine.render(snapshot(8350, 50, 20_000, 55, 152.4), 120);
    assertFalse(line.chars().anyMatch(c -> c > 126), line);
  }
}
