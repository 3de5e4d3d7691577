package io.cartjourneys.ingest;

import io.cartjourneys.model.RawRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time of the raw input. The watermark trails the largest record time seen by the configured
 * lag and moves with every record rather than on a timer, so that in a replay the same input gives
 * the same sequence of records and watermarks, and so the same results.
 */
public final class InputWatermarks {
  private InputWatermarks() {}

  /** Pure event time, for replays. */
  public static WatermarkStrategy<RawRecord> strategy(Duration lag) {
    return strategy(lag, null);
  }

  /**
   * Event time that, once no record has arrived for {@code idleTimeout} of wall-clock time,
   * follows the wall clock minus the lag. Without it a quiet night would hold every due command
   * until the next record arrives.
   */
  public static WatermarkStrategy<RawRecord> strategy(Duration lag, Duration idleTimeout) {
    long lagMillis = lag.toMillis();
    long idleMillis = idleTimeout == null ? -1 : idleTimeout.toMillis();
    return WatermarkStrategy.<RawRecord>forGenerator(
            ctx -> new Trailing(lagMillis, idleMillis, System::currentTimeMillis))
        .withTimestampAssigner(
            (raw, previous) -> {
              long t = raw.time;
              if (t == RawRecord.UNKNOWN_TIME) {
                Long peeked = RecordDecoder.peekTime(raw.source, raw.payload);
                t = peeked == null ? RawRecord.UNKNOWN_TIME : peeked;
                raw.time = t;
              }
              // Undecodable records get the previous timestamp; ingest dead-letters them.
              return t == RawRecord.UNKNOWN_TIME ? Math.max(previous, 0) : t;
            });
  }

  static final class Trailing implements WatermarkGenerator<RawRecord> {
    private final long lagMillis;
    /** Wall-clock idle period in ms after which the watermark follows the clock; -1 for never. */
    private final long idleMillis;
    private final java.util.function.LongSupplier clock;
    private long maxSeen = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;
    private long lastRecordAt;

    Trailing(long lagMillis, long idleMillis, java.util.function.LongSupplier clock) {
      this.lagMillis = lagMillis;
      this.idleMillis = idleMillis;
      this.clock = clock;
      this.lastRecordAt = clock.getAsLong();
    }

    @Override
    public void onEvent(RawRecord raw, long timestamp, WatermarkOutput output) {
      lastRecordAt = clock.getAsLong();
      if (raw.time == RawRecord.UNKNOWN_TIME || timestamp <= maxSeen) {
        return;
      }
      maxSeen = timestamp;
      long w = maxSeen - lagMillis;
      if (w > emitted) {
        emitted = w;
        output.emitWatermark(new Watermark(w));
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      if (idleMillis < 0) {
        return;
      }
      long now = clock.getAsLong();
      if (now - lastRecordAt < idleMillis) {
        return;
      }
      long w = now - lagMillis;
      if (w > emitted) {
        emitted = w;
        output.emitWatermark(new Watermark(w));
      }
    }
  }
}
