package io.cartjourneys.identity;

import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.model.Signal;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Drops a record whose id was already seen within the recency limit, keyed by kind and id: an
 * at-least-once producer that delivers a record again, or a second record reusing an id, changes
 * nothing. The first record wins, in the order the job applies records (event time, then kind, then
 * arrival), which makes the choice the same at any parallelism. The memory of an id is cleared by
 * an event-time timer once the limit has passed; a record with the id after that is processed as
 * new.
 */
public class DedupeFunction extends EventTimeOrdered<Signal> {
  private static final long serialVersionUID = 1L;
  private final long windowMillis;
  private transient ValueState<Long> firstSeen;
  private transient Counter duplicates;

  public DedupeFunction(Duration window) {
    this.windowMillis = window.toMillis();
  }

  /** Profiles are updates of one customer and are never duplicates of each other. */
  public static String key(Signal s) {
    return switch (s.kind) {
      case PROFILE -> PASS + "p:" + s.id;
      case FEEDBACK -> "f:" + s.id + ":" + s.status;
      default -> s.kind.name().charAt(0) + ":" + s.id;
    };
  }

  @Override
  public void open(OpenContext context) throws Exception {
    super.open(context);
    firstSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("first-seen", Long.class));
    duplicates = StageMetrics.of(getRuntimeContext()).counter(JobMetric.DUPLICATES_DROPPED);
  }

  @Override
  protected void pass(Signal s, Collector<Signal> out) {
    out.collect(s);
  }

  @Override
  protected void handle(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    Long seen = firstSeen.value();
    if (seen != null && Math.abs(s.time - seen) <= windowMillis) {
      duplicates.inc();
      return;
    }
    firstSeen.update(s.time);
    ctx.timerService().registerEventTimeTimer(s.time + windowMillis + 1);
    out.collect(s);
  }

  @Override
  protected void expire(long timestamp, OnTimerContext ctx) throws Exception {
    Long seen = firstSeen.value();
    if (seen != null && seen + windowMillis < timestamp) {
      firstSeen.clear();
    }
  }
}
