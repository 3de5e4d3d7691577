package io.cartjourneys.loadgen;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** ISO-8601 times with the shopper's own offset, as client SDKs send them. */
final class Times {
  private Times() {}

  static String iso(long epochMillis, ZoneId zone) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), zone)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
