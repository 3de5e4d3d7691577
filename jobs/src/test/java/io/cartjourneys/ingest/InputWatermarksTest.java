package io.cartjourneys.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class InputWatermarksTest {
  private final List<Long> emitted = new ArrayList<>();
  private final WatermarkOutput output =
      new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark w) {
          emitted.add(w.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
      };

  private static RawRecord at(long t) {
    RawRecord r = new RawRecord(SourceKind.EVENTS, new byte[0], 0);
    r.time = t;
    return r;
  }

  @Test
  void watermarkTrailsTheLargestTimeByTheLag() {
    AtomicLong clock = new AtomicLong(0);
    InputWatermarks.Trailing g = new InputWatermarks.Trailing(5_000, -1, clock::get);
    g.onEvent(at(100_000), 100_000, output);
    g.onEvent(at(90_000), 90_000, output);
    g.onEvent(at(120_000), 120_000, output);
    assertThat(emitted).containsExactly(95_000L, 115_000L);
  }

  @Test
  void replayNeverFollowsTheWallClock() {
    AtomicLong clock = new AtomicLong(0);
    InputWatermarks.Trailing g = new InputWatermarks.Trailing(5_000, -1, clock::get);
    g.onEvent(at(100_000), 100_000, output);
    clock.set(10_000_000);
    g.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(95_000L);
  }

  @Test
  void idleLiveInputFollowsTheWallClock() {
    AtomicLong clock = new AtomicLong(1_000_000);
    InputWatermarks.Trailing g = new InputWatermarks.Trailing(5_000, 30_000, clock::get);
    g.onEvent(at(900_000), 900_000, output);
    clock.set(1_020_000); // 20 s quiet: not idle yet
    g.onPeriodicEmit(output);
    clock.set(1_031_000); // 31 s quiet
    g.onPeriodicEmit(output);
    assertThat(emitted).containsExactly(895_000L, 1_026_000L);
  }

  private static RawRecord login(String at) {
    String json = "{\"event_id\":\"e\",\"event_type\":\"LOGIN\",\"occurred_at\":\"" + at + "\"}";
    return new RawRecord(SourceKind.EVENTS, json.getBytes(StandardCharsets.UTF_8), 0);
  }

  private static long ms(String at) {
    return Instant.parse(at).toEpochMilli();
  }

  @Test
  void recordFarAheadIsMarkedAndDoesNotMoveTime() {
    InputWatermarks.Assigner assigner =
        new InputWatermarks.Assigner(Duration.ofDays(365).toMillis());

    RawRecord first = login("2026-03-14T10:00:00Z");
    assertThat(assigner.extractTimestamp(first, Long.MIN_VALUE))
        .isEqualTo(ms("2026-03-14T10:00:00Z"));
    assertThat(first.rejection).isNull();

    RawRecord future = login("2099-01-01T00:00:00Z");
    assertThat(assigner.extractTimestamp(future, 42L)).isEqualTo(42L);
    assertThat(future.rejection).isEqualTo(InputWatermarks.TOO_FAR_AHEAD);
    assertThat(future.time).isEqualTo(RawRecord.UNKNOWN_TIME);

    // A year and a day after the largest accepted time, not after the rejected one.
    RawRecord nextYear = login("2027-03-14T10:00:00Z");
    assertThat(assigner.extractTimestamp(nextYear, Long.MIN_VALUE))
        .isEqualTo(ms("2027-03-14T10:00:00Z"));
    assertThat(nextYear.rejection).isNull();
  }

  @Test
  void recordsBehindAreNeverRejected() {
    InputWatermarks.Assigner assigner = new InputWatermarks.Assigner(Duration.ofDays(1).toMillis());
    assigner.extractTimestamp(login("2026-03-14T10:00:00Z"), Long.MIN_VALUE);
    RawRecord old = login("2001-01-01T00:00:00Z");
    assertThat(assigner.extractTimestamp(old, Long.MIN_VALUE))
        .isEqualTo(ms("2001-01-01T00:00:00Z"));
    assertThat(old.rejection).isNull();
  }
}
