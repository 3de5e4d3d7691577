package io.cartjourneys.identity;

import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.Outcome;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.LabelledCounter;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.metrics.StateCount;
import io.cartjourneys.model.Audit;
import io.cartjourneys.model.Signal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One stage of the loop-free identity cascade. Each anonymous identifier (a web cookie in the
 * first stage, a mobile device in the second) points at one stronger owner: the cookie at a device
 * or a customer, the device at a customer. Records that depend on an identifier without an owner
 * are held, in arrival order, and released with the time of the link that resolved them.
 *
 * <p>Links come only from authenticated records. An owner moves when the identifier authenticates
 * as someone else, from then on; LOGOUT ends the association. Records pass through in both stages
 * so that each stage sees every link it needs.
 *
 * <p>State per identifier is bounded in size (the buffer limit) and in time. An event-time timer
 * drops held records once they are older than the buffer TTL. At the cookie and device levels
 * another timer clears the owner of an identifier without a record for the retention period, so
 * that the state of identifiers seen once and never again goes away. Emails and phones keep their
 * owner for as long as the CRM lists them.
 */
public class OwnerStage extends EventTimeOrdered<Signal> implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<Decision> AUDIT = new OutputTag<>("owner-audit") {};

  /** Which identifier this stage owns. */
  public enum Level {
    /** Emails and phones from CRM profiles, pointing at their customer. */
    CONTACT,
    COOKIE,
    DEVICE
  }

  private static final String UNAUTHENTICATED = "unauthenticated-link";
  private static final String OVERFLOW = "overflow";
  private static final String EXPIRED = "expired";

  private final Level level;
  private final int bufferLimit;
  private final long bufferTtlMillis;
  private final long retentionMillis;

  private transient ValueState<String> owner;
  private transient ListState<Signal> held;
  private transient ValueState<Integer> heldCount;
  /** Largest order time of a record of this identifier while it had an owner, epoch ms. */
  private transient ValueState<Long> lastSeen;
  /** When the registered retention timer fires, epoch ms; null while none is registered. */
  private transient ValueState<Long> forgetAt;
  private transient Counter linksMade;
  private transient LabelledCounter linksRejected;
  private transient Counter recordsHeld;
  private transient Counter released;
  private transient LabelledCounter heldDropped;
  private transient Counter ownersForgotten;
  private final StateCount heldRecords = new StateCount("held-records-gauge");

  /**
   * @param bufferLimit records held per identifier; the oldest go first
   * @param bufferTtlMillis held records older than this are dropped
   * @param retentionMillis at the cookie and device levels, the owner of an identifier without a
   *     record for this long is cleared; ignored at the contact level
   */
  public OwnerStage(Level level, int bufferLimit, long bufferTtlMillis, long retentionMillis) {
    this.level = level;
    this.bufferLimit = bufferLimit;
    this.bufferTtlMillis = bufferTtlMillis;
    this.retentionMillis = retentionMillis;
  }

  /** The key of a record at the given stage: the identifier it depends on, or a pass-through key. */
  public static String key(Level level, Signal s) {
    if (level == Level.CONTACT) {
      if (s.contactKey != null) {
        return s.contactKey;
      }
      boolean linking = s.kind == Signal.Kind.EVENT || s.kind == Signal.Kind.LINK;
      // Purchases are looked up by email or phone too: they only stop messages.
      if (linking && (s.authenticated || s.isPurchase()) && s.customerId == null) {
        if (s.email != null) {
          return "e:" + s.email;
        }
        if (s.phone != null) {
          return "p:" + s.phone;
        }
      }
      return PASS + (s.resolvedCustomer != null ? s.resolvedCustomer : s.id);
    }
    if (s.kind == Signal.Kind.EVENT || s.kind == Signal.Kind.LINK || s.kind == Signal.Kind.CANDIDATE) {
      if (level == Level.COOKIE && s.anonymousId != null) {
        return "a:" + s.anonymousId;
      }
      if (level == Level.DEVICE) {
        String device = s.deviceId != null ? s.deviceId : s.resolvedDevice;
        if (device != null) {
          return "d:" + device;
        }
      }
    }
    return PASS + (s.resolvedCustomer != null ? s.resolvedCustomer : s.id);
  }

  /**
   * Returns the descriptor of the identifier's owner: {@code c:} and a customer id, or {@code d:}
   * and a device id. The inspect-savepoint command reads it too.
   */
  public static ValueStateDescriptor<String> ownerDescriptor() {
    return new ValueStateDescriptor<>("owner", String.class);
  }

  /** Returns the descriptor of the number of records that wait in "held" for an owner. */
  public static ValueStateDescriptor<Integer> heldCountDescriptor() {
    return new ValueStateDescriptor<>("held-count", Integer.class);
  }

  @Override
  public void open(OpenContext context) throws Exception {
    super.open(context);
    owner = getRuntimeContext().getState(ownerDescriptor());
    held = getRuntimeContext().getListState(new ListStateDescriptor<>("held", Signal.class));
    heldCount = getRuntimeContext().getState(heldCountDescriptor());
    lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Long.class));
    forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Long.class));
    StageMetrics metrics = StageMetrics.of(getRuntimeContext());
    linksMade = metrics.counter(JobMetric.LINKS_MADE);
    linksRejected = metrics.labelled(JobMetric.LINKS_REJECTED).register(UNAUTHENTICATED);
    recordsHeld = metrics.counter(JobMetric.RECORDS_HELD);
    released = metrics.counter(JobMetric.RECORDS_RELEASED);
    heldDropped = metrics.labelled(JobMetric.HELD_RECORDS_DROPPED).register(OVERFLOW, EXPIRED);
    metrics.gauge(JobMetric.HELD_RECORDS, heldRecords::value);
    if (retainsOwner()) {
      ownersForgotten = metrics.counter(JobMetric.OWNERS_FORGOTTEN);
    }
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    heldRecords.initialize(context);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    heldRecords.snapshot();
  }

  @Override
  protected void pass(Signal s, Collector<Signal> out) {
    out.collect(s);
  }

  @Override
  protected void handle(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    if (level == Level.CONTACT) {
      handleContact(s, ctx, out);
      return;
    }
    handleIdentifier(s, ctx, out);
    trackOwner(s, ctx);
  }

  /** Contact owners are never cleared by time: the CRM decides when an email or phone goes. */
  private boolean retainsOwner() {
    return level != Level.CONTACT;
  }

  private void handleIdentifier(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    String linkTo = linkTo(s);
    if (s.kind == Signal.Kind.LINK && !s.authenticated) {
      linksRejected.inc(UNAUTHENTICATED);
      ctx.output(
          AUDIT,
          Audit.of(null, s.time, Outcome.REJECTED_LINK)
              .reason(UNAUTHENTICATED)
              .fact("record_id", s.id)
              .fact("stage", level)
              .build());
      return;
    }
    if (s.isEvent("LOGOUT")) {
      // LOGOUT never links; from its time on the identifier has no owner.
      String current = owner.value();
      owner.clear();
      if (s.resolvedCustomer == null && current != null) {
        resolveWith(s, current);
      }
      out.collect(s);
      return;
    }
    if (linkTo != null) {
      String previous = owner.value();
      owner.update(linkTo);
      if (!linkTo.equals(previous)) {
        linksMade.inc();
        release(linkTo, s.orderTime(), out);
      }
      if (s.kind == Signal.Kind.LINK) {
        resolveWith(s, linkTo);
      }
      out.collect(s);
      return;
    }
    if (s.resolvedCustomer != null || (level == Level.COOKIE && s.deviceId != null)) {
      // Already owned, or the device (stronger than the cookie) decides in the next stage.
      out.collect(s);
      return;
    }
    String current = owner.value();
    if (current != null) {
      resolveWith(s, current);
      out.collect(s);
      return;
    }
    if (s.kind == Signal.Kind.LINK) {
      return; // a link with nothing to resolve at this stage
    }
    hold(s, ctx);
  }

  /**
   * An email or phone points at the customer whose CRM profile lists it last. Authenticated
   * records that name only an email or phone take that customer as theirs, so that they link
   * their anonymous identifiers downstream as if they had named the customer.
   */
  private void handleContact(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    if (s.contactKey != null) {
      if (s.deleted) {
        owner.clear();
        return;
      }
      String target = "c:" + s.customerId;
      String previous = owner.value();
      owner.update(target);
      if (!target.equals(previous)) {
        linksMade.inc();
        release(target, s.orderTime(), out);
      }
      return;
    }
    String current = owner.value();
    if (current != null) {
      resolveWith(s, current);
      out.collect(s);
      return;
    }
    hold(s, ctx);
  }

  /** The owner an authenticated record gives this stage's identifier, or null. */
  private String linkTo(Signal s) {
    if (!s.authenticated || s.kind == Signal.Kind.CANDIDATE || s.isEvent("LOGOUT")) {
      return null;
    }
    if (s.customerId != null) {
      return "c:" + s.customerId;
    }
    if (level == Level.COOKIE && s.deviceId != null && s.kind == Signal.Kind.LINK) {
      return "d:" + s.deviceId;
    }
    return null;
  }

  private void resolveWith(Signal s, String target) {
    if (target.startsWith("c:")) {
      s.resolvedCustomer = target.substring(2);
      if (level == Level.CONTACT) {
        s.customerId = s.resolvedCustomer;
      }
    } else if (target.startsWith("d:")) {
      s.resolvedDevice = target.substring(2);
    }
  }

  private void hold(Signal s, Context ctx) throws Exception {
    recordsHeld.inc();
    Integer n = heldCount.value();
    int count = n == null ? 0 : n;
    if (count == 0) {
      // Most anonymous identifiers never resolve: this timer drops their records after the TTL.
      ctx.timerService().registerEventTimeTimer(s.orderTime() + bufferTtlMillis + 1);
    }
    List<Signal> keep = null;
    if (count >= bufferLimit) {
      keep = new ArrayList<>();
      for (Signal h : held.get()) {
        keep.add(h);
      }
    }
    if (keep != null) {
      // Oldest first out: the newest activity matters most for a cart decision.
      long cutoff = s.time - bufferTtlMillis;
      List<Signal> fresh = new ArrayList<>();
      for (Signal h : keep) {
        if (h.time >= cutoff) {
          fresh.add(h);
        } else {
          heldDropped.inc(EXPIRED);
        }
      }
      while (fresh.size() >= bufferLimit) {
        fresh.remove(0);
        heldDropped.inc(OVERFLOW);
      }
      fresh.add(s);
      held.update(fresh);
      heldCount.update(fresh.size());
      heldRecords.add(fresh.size() - count);
    } else {
      held.add(s);
      heldCount.update(count + 1);
      heldRecords.add(1);
    }
  }

  @Override
  protected void expire(long timestamp, OnTimerContext ctx) throws Exception {
    expireHeld(timestamp, ctx);
    if (retainsOwner()) {
      expireOwner(timestamp, ctx);
    }
  }

  private void expireHeld(long timestamp, OnTimerContext ctx) throws Exception {
    Integer n = heldCount.value();
    if (n == null || n == 0) {
      return;
    }
    long cutoff = timestamp - bufferTtlMillis;
    List<Signal> fresh = new ArrayList<>();
    long oldest = Long.MAX_VALUE;
    for (Signal h : held.get()) {
      if (h.orderTime() < cutoff) {
        heldDropped.inc(EXPIRED);
      } else {
        fresh.add(h);
        oldest = Math.min(oldest, h.orderTime());
      }
    }
    heldRecords.add(fresh.size() - n);
    if (fresh.isEmpty()) {
      held.clear();
      heldCount.clear();
      return;
    }
    if (fresh.size() != n) {
      held.update(fresh);
      heldCount.update(fresh.size());
    }
    ctx.timerService().registerEventTimeTimer(oldest + bufferTtlMillis + 1);
  }

  /**
   * Notes that the identifier was seen and, while it has an owner, keeps one retention timer
   * registered for the deadline known at that moment. A timer that fires before the current
   * deadline, because the identifier was seen since, is registered again for the new one.
   */
  private void trackOwner(Signal s, Context ctx) throws Exception {
    if (owner.value() == null) {
      lastSeen.clear();
      return;
    }
    Long seen = lastSeen.value();
    long latest = seen == null ? s.orderTime() : Math.max(seen, s.orderTime());
    lastSeen.update(latest);
    if (forgetAt.value() == null) {
      long at = latest + retentionMillis + 1;
      ctx.timerService().registerEventTimeTimer(at);
      forgetAt.update(at);
    }
  }

  private void expireOwner(long timestamp, OnTimerContext ctx) throws Exception {
    Long at = forgetAt.value();
    if (at == null || timestamp < at) {
      return; // a timer of a pending or held record
    }
    forgetAt.clear();
    Long seen = lastSeen.value();
    if (seen == null || owner.value() == null) {
      lastSeen.clear(); // the owner ended with a LOGOUT since
      return;
    }
    if (seen + retentionMillis < timestamp) {
      owner.clear();
      lastSeen.clear();
      ownersForgotten.inc();
      return;
    }
    long next = seen + retentionMillis + 1;
    ctx.timerService().registerEventTimeTimer(next);
    forgetAt.update(next);
  }

  private void release(String target, long linkTime, Collector<Signal> out) throws Exception {
    Integer n = heldCount.value();
    if (n == null || n == 0) {
      return;
    }
    heldRecords.add(-n);
    long cutoff = linkTime - bufferTtlMillis;
    for (Signal h : held.get()) {
      if (h.time < cutoff) {
        heldDropped.inc(EXPIRED);
        continue;
      }
      resolveWith(h, target);
      h.resolvedAt = Math.max(h.resolvedAt, linkTime);
      released.inc();
      out.collect(h);
    }
    held.clear();
    heldCount.clear();
  }
}
