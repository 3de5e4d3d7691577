package io.cartjourneys.detect;

import io.cartjourneys.identity.EventTimeOrdered;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.model.Signal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Finds cart changes that were followed by no further cart change and no purchase for the
 * inactivity period, with Flink CEP, per identifier the change was made on.
 *
 * <p>Detection runs on identifiers as they arrive rather than on stitched persons, because
 * stitching releases held anonymous history late (after the watermark has passed it) and CEP drops
 * late elements. A candidate then travels through the identity stages like the change it covers;
 * the decide stage checks it against the person's whole cart, where a change or purchase on any of
 * the person's identifiers supersedes it.
 */
public final class AbandonmentDetection {
  private AbandonmentDetection() {}

  /**
   * The identifier a cart change was made on: customer if authenticated, else device, else cookie.
   *
   * <p>NOTE: an anonymous cart change on a shared device or cookie restarts the inactivity period
   * of the person who used it before, so a second person's cart change within that period cancels the
   * first person's abandonment (it never gives one person's cart to another).
   */
  public static String identifierKey(Signal s) {
    if (s.resolvedCustomer != null) {
      return "c:" + s.resolvedCustomer;
    }
    if (s.deviceId != null) {
      return "d:" + s.deviceId;
    }
    if (s.anonymousId != null) {
      return "a:" + s.anonymousId;
    }
    if (s.customerId != null) {
      return "c:" + s.customerId;
    }
    return "e:" + s.id;
  }

  public static Pattern<Signal, Signal> pattern(Duration inactivity) {
    return Pattern.<Signal>begin("change")
        .where(SimpleCondition.of(Signal::isCartChange))
        .notFollowedBy("activity")
        .where(SimpleCondition.of(s -> s.isCartChange() || s.isPurchase()))
        .within(inactivity);
  }

  /** Cart activity that reached CEP behind the watermark, which CEP does not match. */
  static final OutputTag<Signal> LATE = new OutputTag<>("late-cart-activity") {};

  public static DataStream<Signal> candidates(DataStream<Signal> signals, Duration inactivity) {
    // Only records that arrived on time go to CEP. Whether a record is late is decided once, at
    // ingest, rather than by CEP's own watermark, which depends on how parallel inputs interleave.
    DataStream<Signal> cartActivity =
        signals
            .filter(s -> (s.isCartChange() || s.isPurchase()) && !s.isLate())
            .uid("detect-cart-activity")
            .name("Detect: cart changes and purchases");
    SingleOutputStreamOperator<Signal> matched =
        CEP.pattern(
                cartActivity.keyBy(AbandonmentDetection::identifierKey),
                pattern(inactivity),
                new TieOrder())
            .inEventTime()
            .sideOutputLateData(LATE)
            .process(new ToCandidate(inactivity.toMillis()))
            .uid("detect-abandonment")
            .name("Detect: cart change, then no activity (CEP)");
    // A late cart change (a mobile batch hours behind, say) still counts: it becomes a candidate
    // of its own. The decide stage drops it when a later change or a purchase of the same person
    // supersedes it, which is what CEP would have concluded had the change arrived in time.
    DataStream<Signal> lateAtIngest =
        signals
            .filter(s -> s.isCartChange() && s.isLate())
            .uid("detect-late-filter")
            .name("Detect: late cart changes");
    DataStream<Signal> lateAtCep =
        matched
            .getSideOutput(LATE)
            .filter(Signal::isCartChange)
            .uid("detect-late-cep-filter")
            .name("Detect: cart changes late at CEP");
    DataStream<Signal> late =
        lateAtIngest
            .union(lateAtCep)
            .map(new LateCandidate(inactivity.toMillis()))
            .uid("detect-late-candidates")
            .name("Detect: candidates for late cart changes");
    return matched.union(late);
  }

  /**
   * Orders records with the same timestamp for CEP. Without it CEP keeps them in arrival order,
   * and at parallelism above one a cart change and a purchase in the same millisecond reach it in
   * either order, which decides whether the change matches. Ties go by kind and then record id,
   * as in the identity stages, so that the input's arrival order within the watermark lag does
   * not decide either.
   */
  static final class TieOrder implements EventComparator<Signal> {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Signal a, Signal b) {
      return EventTimeOrdered.ORDER.compare(a, b);
    }
  }

  /** Turns a late cart change into a candidate, counted like a CEP match. */
  static final class LateCandidate extends RichMapFunction<Signal, Signal> {
    private static final long serialVersionUID = 1L;
    private final long inactivityMillis;
    private transient Counter detected;

    LateCandidate(long inactivityMillis) {
      this.inactivityMillis = inactivityMillis;
    }

    @Override
    public void open(OpenContext context) {
      detected = StageMetrics.of(getRuntimeContext()).counter(JobMetric.ABANDONMENTS_DETECTED);
    }

    @Override
    public Signal map(Signal change) {
      detected.inc();
      return ToCandidate.candidate(change, inactivityMillis);
    }
  }

  static final class ToCandidate extends PatternProcessFunction<Signal, Signal> {
    private static final long serialVersionUID = 1L;
    private final long inactivityMillis;
    private transient Counter detected;

    ToCandidate(long inactivityMillis) {
      this.inactivityMillis = inactivityMillis;
    }

    @Override
    public void open(OpenContext context) throws Exception {
      super.open(context);
      detected = StageMetrics.of(getRuntimeContext()).counter(JobMetric.ABANDONMENTS_DETECTED);
    }

    @Override
    public void processMatch(Map<String, List<Signal>> match, Context ctx, Collector<Signal> out) {
      detected.inc();
      out.collect(candidate(match.get("change").get(0), inactivityMillis));
    }

    static Signal candidate(Signal change, long inactivityMillis) {
      Signal c = new Signal();
      c.kind = Signal.Kind.CANDIDATE;
      c.id = "candidate:" + change.id;
      c.time = change.time + inactivityMillis;
      c.sequence = change.sequence;
      c.lastChangeAt = change.time;
      c.channel = change.channel;
      c.cartId = change.cartId;
      c.anonymousId = change.anonymousId;
      c.deviceId = change.deviceId;
      c.customerId = change.customerId;
      c.authenticated = change.authenticated;
      c.resolvedCustomer = change.resolvedCustomer;
      c.arrivalWatermark = change.arrivalWatermark;
      return c;
    }
  }
}
