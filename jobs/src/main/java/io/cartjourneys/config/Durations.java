package io.cartjourneys.config;

import java.time.Duration;
import java.util.Locale;

/** Parses durations written as {@code 30m}, {@code 4h}, {@code 7d}, {@code 500ms} or ISO-8601. */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    }
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    int split = 0;
    while (split < t.length() && (Character.isDigit(t.charAt(split)) || t.charAt(split) == '.')) {
      split++;
    }
    if (split == 0 || split == t.length()) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 30m, 4h, 7d)");
    }
    double amount = Double.parseDouble(t.substring(0, split));
    String unit = t.substring(split).trim();
    long millis =
        switch (unit) {
          case "ms" -> 1L;
          case "s", "sec", "secs", "second", "seconds" -> 1_000L;
          case "m", "min", "mins", "minute", "minutes" -> 60_000L;
          case "h", "hour", "hours" -> 3_600_000L;
          case "d", "day", "days" -> 86_400_000L;
          default -> throw new IllegalArgumentException("unknown unit in '" + text + "'");
        };
    return Duration.ofMillis(Math.round(amount * millis));
  }

  /** The shortest readable form, used in generated docs and logs. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0";
    }
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1_000L == 0) {
      return ms / 1_000L + "s";
    }
    return ms + "ms";
  }
}
