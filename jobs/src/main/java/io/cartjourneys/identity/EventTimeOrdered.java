package io.cartjourneys.identity;

import io.cartjourneys.model.Signal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed function that sees each key's records in event-time order. Parallel upstream tasks
 * interleave records arbitrarily, so each record waits in state until the watermark passes its
 * time; records of one instant then apply in the order profiles, links, events, feedback,
 * candidates, then by record id, and by arrival sequence only when the ids are equal too. Ordering
 * by id rather than arrival makes the result the same whatever order the records arrived in within
 * the watermark lag. A record already behind the watermark applies at once.
 * Keys starting with {@link #PASS} touch no state and are forwarded unordered.
 */
public abstract class EventTimeOrdered<O> extends KeyedProcessFunction<String, Signal, O> {
  private static final long serialVersionUID = 1L;

  /** Key prefix for records a stage forwards without looking at them. */
  public static final String PASS = "~";

  public static final Comparator<Signal> ORDER =
      Comparator.comparingInt(Signal::rank)
          .thenComparing((Signal s) -> s.id == null ? "" : s.id)
          .thenComparingLong(s -> s.sequence);

  private transient MapState<Long, List<Signal>> pending;

  @Override
  public void open(OpenContext context) throws Exception {
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("pending", Types.LONG, new ListTypeInfo<>(Signal.class)));
  }

  /** Applies one record of the current key, in event-time order. */
  protected abstract void handle(Signal s, Context ctx, Collector<O> out) throws Exception;

  /** Forwards a record that this stage does not look at. */
  protected abstract void pass(Signal s, Collector<O> out);

  @Override
  public final void processElement(Signal s, Context ctx, Collector<O> out) throws Exception {
    if (ctx.getCurrentKey().startsWith(PASS)) {
      pass(s, out);
      return;
    }
    long at = s.orderTime();
    if (at <= ctx.timerService().currentWatermark()) {
      handle(s, ctx, out);
      return;
    }
    List<Signal> list = pending.get(at);
    if (list == null) {
      list = new ArrayList<>();
    }
    list.add(s);
    pending.put(at, list);
    ctx.timerService().registerEventTimeTimer(at);
  }

  @Override
  public final void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out)
      throws Exception {
    List<Signal> list = pending.get(timestamp);
    if (list != null) {
      pending.remove(timestamp);
      list.sort(ORDER);
      for (Signal s : list) {
        handle(s, ctx, out);
      }
    }
    expire(timestamp, ctx);
  }

  /**
   * Called on every timer of the key after the records due at it applied: drop state that has
   * expired. Subclasses that register timers of their own check them here, because {@link
   * #onTimer} is final.
   */
  protected void expire(long timestamp, OnTimerContext ctx) throws Exception {}
}
