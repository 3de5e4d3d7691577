package io.cartjourneys.orchestrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class QuietHoursTest {
  private final QuietHours quiet = new QuietHours(LocalTime.of(22, 0), LocalTime.of(8, 0));
  private final ZoneId kolkata = ZoneId.of("Asia/Kolkata");
  private final ZoneId berlin = ZoneId.of("Europe/Berlin");

  private static Instant at(String local, ZoneId zone) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(local), zone).toInstant();
  }

  @Test
  void intervalIsHalfOpen() {
    assertThat(quiet.isQuiet(at("2026-03-14T21:59:59", kolkata), kolkata)).isFalse();
    assertThat(quiet.isQuiet(at("2026-03-14T22:00:00", kolkata), kolkata)).isTrue();
    assertThat(quiet.isQuiet(at("2026-03-15T07:59:59", kolkata), kolkata)).isTrue();
    assertThat(quiet.isQuiet(at("2026-03-15T08:00:00", kolkata), kolkata)).isFalse();
  }

  @Test
  void eveningAndEarlyMorningBothMoveToEightTheNextMorning() {
    Instant eight = at("2026-03-15T08:00:00", kolkata);
    assertThat(quiet.nextAllowed(at("2026-03-14T23:30:00", kolkata), kolkata)).isEqualTo(eight);
    assertThat(quiet.nextAllowed(at("2026-03-15T01:41:00", kolkata), kolkata)).isEqualTo(eight);
  }

  @Test
  void daylightSavingChangesFollowTheLocalClock() {
    // Europe/Berlin springs forward on 2026-03-29: the night is an hour shorter in UTC.
    Instant end = quiet.nextAllowed(at("2026-03-28T23:00:00", berlin), berlin);
    assertThat(end).isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
    // ...and falls back on 2026-10-25.
    Instant autumn = quiet.nextAllowed(at("2026-10-24T23:00:00", berlin), berlin);
    assertThat(autumn).isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
  }

  @Test
  void outsideQuietHoursTheTimeStands() {
    Instant t = at("2026-03-14T21:41:00", kolkata);
    assertThat(quiet.nextAllowed(t, kolkata)).isEqualTo(t);
  }
}
