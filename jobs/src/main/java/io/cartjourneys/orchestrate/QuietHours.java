package io.cartjourneys.orchestrate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The half-open local interval [start, end) in which nothing is delivered, evaluated in the
 * person's zone so that daylight-saving changes move it with the local clock.
 */
public final class QuietHours {
  private final LocalTime start;
  private final LocalTime end;

  public QuietHours(LocalTime start, LocalTime end) {
    this.start = start;
    this.end = end;
  }

  public boolean isQuiet(Instant t, ZoneId zone) {
    if (start.equals(end)) {
      return false;
    }
    LocalTime local = t.atZone(zone).toLocalTime();
    if (start.isBefore(end)) {
      return !local.isBefore(start) && local.isBefore(end);
    }
    return !local.isBefore(start) || local.isBefore(end);
  }

  /** {@code t} itself if it is outside quiet hours, else the end of the quiet period it is in. */
  public Instant nextAllowed(Instant t, ZoneId zone) {
    if (!isQuiet(t, zone)) {
      return t;
    }
    ZonedDateTime local = t.atZone(zone);
    LocalDate day = local.toLocalDate();
    if (start.isAfter(end) && !local.toLocalTime().isBefore(start)) {
      day = day.plusDays(1); // in the evening part of an overnight period: it ends tomorrow
    }
    // ZonedDateTime.of moves a time that falls in a spring-forward gap to after the gap.
    return ZonedDateTime.of(day, end, zone).toInstant();
  }
}
