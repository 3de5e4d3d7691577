package io.cartjourneys.detect;

import io.cartjourneys.model.Signal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

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

  /** The identifier a cart change was made on: customer if authenticated, else device, else cookie. */
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

  public static DataStream<Signal> candidates(DataStream<Signal> signals, Duration inactivity) {
    DataStream<Signal> cartActivity =
        signals
            .filter(s -> s.isCartChange() || s.isPurchase())
            .uid("detect-cart-activity")
            .name("Detect: cart changes and purchases");
    return CEP.pattern(
            cartActivity.keyBy(AbandonmentDetection::identifierKey), pattern(inactivity))
        .inEventTime()
        .process(new ToCandidate(inactivity.toMillis()))
        .uid("detect-abandonment")
        .name("Detect: cart change, then no activity (CEP)");
  }

  static final class ToCandidate extends PatternProcessFunction<Signal, Signal> {
    private static final long serialVersionUID = 1L;
    private final long inactivityMillis;

    ToCandidate(long inactivityMillis) {
      this.inactivityMillis = inactivityMillis;
    }

    @Override
    public void processMatch(Map<String, List<Signal>> match, Context ctx, Collector<Signal> out) {
      Signal change = match.get("change").get(0);
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
      out.collect(c);
    }
  }
}
