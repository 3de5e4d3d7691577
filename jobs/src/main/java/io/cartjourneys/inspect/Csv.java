package io.cartjourneys.inspect;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * Formats CSV lines as RFC 4180 describes them: a field with a comma, a double quote or a line
 * break is enclosed in double quotes, and a double quote inside it is doubled. Null is an empty
 * field.
 */
final class Csv {
  private Csv() {}

  /** Formats one line without its line break. */
  static String line(Object... values) {
    StringBuilder b = new StringBuilder(64);
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(field(values[i]));
    }
    return b.toString();
  }

  static String field(Object value) {
    if (value == null) {
      return "";
    }
    String text = value instanceof Double d ? decimal(d) : value.toString();
    if (text.indexOf(',') < 0
        && text.indexOf('"') < 0
        && text.indexOf('\n') < 0
        && text.indexOf('\r') < 0) {
      return text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }

  /**
   * Formats an amount in plain notation, rounded to 4 decimal places, without trailing zeros:
   * 4999.0 becomes {@code 4999} and 0.1 + 0.2 becomes {@code 0.3}.
   */
  static String decimal(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    BigDecimal d = BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
    return d.signum() == 0 ? "0" : d.toPlainString();
  }

  /** Formats epoch milliseconds as ISO-8601 UTC, or null for {@code Long.MIN_VALUE} ("never"). */
  static String time(long epochMillis) {
    return epochMillis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(epochMillis).toString();
  }
}
