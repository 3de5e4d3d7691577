package io.cartjourneys.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
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
}
