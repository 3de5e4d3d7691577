package io.cartjourneys.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * Lets the replay source read every record but the last at full speed, then holds the last one
 * until {@link BenchProbe#releaseHold()}. While it waits, the job keeps all its state and pending
 * timers, as a live job does between records, and the bench takes a checkpoint of it. Without the
 * hold, the final watermark of a bounded run fires every timer and clears most state before the
 * last checkpoint.
 *
 * <p>The source task stays responsive while it waits, because the rate limiter hands Flink a future
 * rather than blocking. One source reader only (the replay source runs at parallelism 1).
 */
final class HoldLastRecord implements RateLimiterStrategy<NumberSequenceSplit> {
  private static final long serialVersionUID = 1L;
  private static final CompletableFuture<Void> GRANTED = CompletableFuture.completedFuture(null);

  private final long records;

  HoldLastRecord(long records) {
    this.records = records;
  }

  @Override
  public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
    return new RateLimiter<>() {
      private long granted;

      @Override
      public CompletionStage<Void> acquire(int permits) {
        granted += permits;
        return granted < records ? GRANTED : BenchProbe.startHold();
      }
    };
  }
}
