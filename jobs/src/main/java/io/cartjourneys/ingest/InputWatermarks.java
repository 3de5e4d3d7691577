package io.cartjourneys.ingest;

import io.cartjourneys.model.RawRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time of the raw input. The watermark trails the largest record time seen by the configured
 * lag and moves with every record rather than on a timer, so that in a replay the same input gives
 * the same sequence of records and watermarks, and so the same results.
 *
 * <p>A record more than the maximum jump ahead of the largest time seen so far is marked for the
 * dead-letter output ({@code time-too-far-ahead}) and does not move the watermark: otherwise one
 * producer with a wrong clock would make every later record late and fire every timer at once. The
 * first record of a task, after a start or a restore, has nothing to compare with and is always
 * accepted.
 */
public final class InputWatermarks {
  private InputWatermarks() {}

  /** Reason given to a record that would have moved the watermark too far. */
  public static final String TOO_FAR_AHEAD = "time-too-far-ahead";

  /** Pure event time without a limit on how far one record may move it, for tests. */
  public static WatermarkStrategy<RawRecord> strategy(Duration lag) {
    return strategy(lag, null, null);
  }

  /**
   * Returns the event time of one input.
   *
   * @param idleTimeout once no record has arrived for this long of wall-clock time, the watermark
   *     follows the wall clock minus the lag. A quiet night then does not hold every due command
   *     until the next record arrives. Null for pure event time (replays).
   * @param maxJump how far ahead of the largest time seen a record may be; null for no limit
   */
  public static WatermarkStrategy<RawRecord> strategy(
      Duration lag, Duration idleTimeout, Duration maxJump) {
    long lagMillis = lag.toMillis();
    long idleMillis = idleTimeout == null ? -1 : idleTimeout.toMillis();
    long jumpMillis = maxJump == null ? Long.MAX_VALUE : maxJump.toMillis();
    return WatermarkStrategy.<RawRecord>forGenerator(
            ctx -> new Trailing(lagMillis, idleMillis, System::currentTimeMillis))
        .withTimestampAssigner(ctx -> new Assigner(jumpMillis));
  }

  /** Reads the record time; rejects a time too far ahead of the largest accepted so far. */
  static final class Assigner implements TimestampAssigner<RawRecord> {
    private final long jumpMillis;
    private long maxAccepted = Long.MIN_VALUE;

    Assigner(long jumpMillis) {
      this.jumpMillis = jumpMillis;
    }

    @Override
    public long extractTimestamp(RawRecord raw, long previous) {
      long t = raw.time;
      if (t == RawRecord.UNKNOWN_TIME) {
        Long peeked = RecordDecoder.peekTime(raw);
        t = peeked == null ? RawRecord.UNKNOWN_TIME : peeked;
      }
      if (t != RawRecord.UNKNOWN_TIME
          && maxAccepted != Long.MIN_VALUE
          && t - maxAccepted > jumpMillis) {
        raw.rejection = TOO_FAR_AHEAD;
        t = RawRecord.UNKNOWN_TIME;
      }
      raw.time = t;
      if (t == RawRecord.UNKNOWN_TIME) {
        // Undecodable and rejected records get the previous timestamp; ingest dead-letters them.
        return Math.max(previous, 0);
      }
      maxAccepted = Math.max(maxAccepted, t);
      return t;
    }
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
