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

  public static WatermarkStrategy<RawRecord> strategy(Duration lag) {
    long lagMillis = lag.toMillis();
    return WatermarkStrategy.<RawRecord>forGenerator(ctx -> new Trailing(lagMillis))
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
    private long maxSeen = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    Trailing(long lagMillis) {
      this.lagMillis = lagMillis;
    }

    @Override
    public void onEvent(RawRecord raw, long timestamp, WatermarkOutput output) {
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
    public void onPeriodicEmit(WatermarkOutput output) {}
  }
}
