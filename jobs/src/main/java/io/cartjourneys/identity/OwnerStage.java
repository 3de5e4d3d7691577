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
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
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
 * as someone else, from then on, and LOGOUT ends the association. A link older than the current
 * owner's latest link (a late mobile batch, say) does not move it back. A record that arrives late,
 * or a candidate for a cart change made before the identifier moved, goes to whoever owned the
 * identifier at that time (see {@link OwnerHistory}). When a cookie or device leaves a customer,
 * the stage sends that customer an {@link Signal#IDENTIFIER_RELEASED} notice, so that the decide
 * stage stops using push tokens given on it. Records pass through in both stages so that each
 * stage sees every link it needs.
 *
 * <p>At the contact level an email or phone belongs to the first customer whose CRM profile lists
 * it. Another profile that lists it, or an authenticated record of another customer that names it,
 * is rejected with an audit record, so two customers never merge. Rejected profiles wait as
 * claimants, and the earliest takes over when the owner's profile stops listing the address or is
 * erased.
 *
 * <p>Erasure reaches this stage as copies of the erasing profile, one per identifier of the
 * customer. Each clears a pointer at the erased customer.
 *
 * <p>State per identifier is bounded in size (the buffer limit) and in time. An event-time timer
 * drops held records once they are older than the buffer TTL. At the cookie and device levels
 * another timer clears the owner and its history of an identifier without a record for the
 * retention period, so that the state of identifiers seen once and never again goes away. Emails
 * and phones keep their owner for as long as the CRM lists them.
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
  static final String OWNED_BY_ANOTHER = "owned-by-another-customer";
  static final String MOVED_TO_CUSTOMER = "authenticated-as-another-customer";
  static final String MOVED_TO_DEVICE = "linked-to-device";
  static final String HANDED_OVER = "previous-owner-unlisted";
  private static final String OVERFLOW = "overflow";
  private static final String EXPIRED = "expired";
  private static final String OWNER_UNKNOWN = "owner-unknown";
  private static final String OWNER_ERASED = "owner-erased";

  /**
   * Customers remembered per email or phone as waiting claimants. A value listed by more profiles
   * than this (a shared family or office address) drops the later ones. Their claims are still
   * rejected and audited, and they claim again with their next profile update.
   */
  static final int MAX_CLAIMANTS = 100;

  private final Level level;
  private final int bufferLimit;
  private final long bufferTtlMillis;
  private final long retentionMillis;

  private transient OwnerHistory history;
  /** Contact level: customers whose profiles list the value too, with the time of their claim. */
  private transient MapState<String, Long> claimants;
  private transient ListState<Signal> held;
  private transient ValueState<Integer> heldCount;
  /** Largest order time of a record of this identifier while it had an owner, epoch ms. */
  private transient ValueState<Long> lastSeen;
  /** When the registered retention timer fires, epoch ms; null while none is registered. */
  private transient ValueState<Long> forgetAt;
  private transient Counter linksMade;
  private transient LabelledCounter linksRejected;
  private transient LabelledCounter linksMoved;
  private transient Counter linksErased;
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
      // Purchases are looked up by email or phone too: they only stop messages. Authenticated
      // records that name their customer come here to be checked against the address's owner.
      boolean lookUp = s.customerId == null && (s.authenticated || s.isPurchase());
      boolean check = s.customerId != null && s.authenticated && !s.isEvent("LOGOUT");
      if (linking && (lookUp || check)) {
        // NOTE: a record with both an email and a phone is looked up or checked by its email only.
        if (s.email != null) {
          return "e:" + s.email;
        }
        if (s.phone != null) {
          return "p:" + s.phone;
        }
      }
      return PASS + (s.resolvedCustomer != null ? s.resolvedCustomer : s.id);
    }
    if (s.isErasureCopy()) {
      if (level == Level.COOKIE && s.anonymousId != null) {
        return "a:" + s.anonymousId;
      }
      if (level == Level.DEVICE && s.deviceId != null) {
        return "d:" + s.deviceId;
      }
      return PASS + s.id;
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
    history = new OwnerHistory(getRuntimeContext(), level != Level.CONTACT, bufferTtlMillis);
    claimants =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("claimants", Types.STRING, Types.LONG));
    held = getRuntimeContext().getListState(new ListStateDescriptor<>("held", Signal.class));
    heldCount = getRuntimeContext().getState(heldCountDescriptor());
    lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Long.class));
    forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Long.class));
    StageMetrics metrics = StageMetrics.of(getRuntimeContext());
    linksMade = metrics.counter(JobMetric.LINKS_MADE);
    linksRejected = metrics.labelled(JobMetric.LINKS_REJECTED);
    linksMoved = metrics.labelled(JobMetric.LINKS_MOVED);
    if (level == Level.CONTACT) {
      linksRejected.register(OWNED_BY_ANOTHER);
      linksMoved.register(HANDED_OVER);
    } else {
      linksRejected.register(UNAUTHENTICATED);
      linksMoved.register(MOVED_TO_CUSTOMER, MOVED_TO_DEVICE);
    }
    linksErased = metrics.counter(JobMetric.LINKS_ERASED);
    recordsHeld = metrics.counter(JobMetric.RECORDS_HELD);
    released = metrics.counter(JobMetric.RECORDS_RELEASED);
    heldDropped =
        metrics
            .labelled(JobMetric.HELD_RECORDS_DROPPED)
            .register(OVERFLOW, EXPIRED, OWNER_UNKNOWN, OWNER_ERASED);
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
    if (s.isErasureCopy()) {
      erase(s);
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
      // LOGOUT never links. From its time on the identifier has no owner. A LOGOUT older than the
      // link that set the current owner ends nothing.
      String current = history.current();
      if (!history.isBefore(s.time)) {
        history.change(null, s.time);
        if (current != null && current.startsWith("c:")) {
          out.collect(releaseNotice(s, current.substring(2), ctx));
        }
      }
      if (s.resolvedCustomer == null && current != null) {
        resolveWith(s, current);
      }
      out.collect(s);
      return;
    }
    if (linkTo != null) {
      String previous = history.current();
      if (!linkTo.equals(previous) && history.isBefore(s.time)) {
        // A late record of an earlier owner: it keeps its own customer but moves nothing.
        if (s.kind == Signal.Kind.LINK) {
          resolveWith(s, linkTo);
        }
        out.collect(s);
        return;
      }
      if (linkTo.equals(previous)) {
        history.confirm(s.time);
      } else {
        history.change(linkTo, s.time);
        linksMade.inc();
        if (previous != null && previous.startsWith("c:")) {
          moved(s, previous.substring(2), linkTo, ctx);
          out.collect(releaseNotice(s, previous.substring(2), ctx));
        }
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
    OwnerHistory.Lookup found = history.ownerAt(lookupTime(s));
    if (found.isUnknown()) {
      heldDropped.inc(OWNER_UNKNOWN); // later than the identifier's remembered owners
      return;
    }
    if (found.owner() == null) {
      if (s.kind != Signal.Kind.LINK) { // a link with nothing to resolve stops here
        hold(s, ctx);
      }
      return;
    }
    if (found.owner().equals(OwnerHistory.ERASED)) {
      heldDropped.inc(OWNER_ERASED);
      return;
    }
    if (found.linkedAt() > 0 && s.time < found.linkedAt() - bufferTtlMillis) {
      heldDropped.inc(EXPIRED); // held until that owner came, it would have expired
      return;
    }
    resolveWith(s, found.owner());
    out.collect(s);
  }

  /**
   * Returns the time whose owner a record belongs to: the cart change for an abandonment candidate,
   * the record's own time otherwise, or the time it was linked if it waited for an owner upstream.
   */
  private static long lookupTime(Signal s) {
    long own = s.kind == Signal.Kind.CANDIDATE ? s.lastChangeAt : s.time;
    return Math.max(own, s.resolvedAt);
  }

  /**
   * An email or phone points at the customer whose CRM profile lists it last. Authenticated
   * records that name only an email or phone take that customer as theirs, so that they link
   * their anonymous identifiers downstream as if they had named the customer.
   */
  private void handleContact(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    if (s.contactKey != null) {
      if (s.unlisted || s.deleted) {
        unlist(s, ctx, out);
      } else {
        claim(s, ctx, out);
      }
      return;
    }
    String current = history.current();
    if (s.customerId != null) {
      // An authenticated record of its own customer: the address must not belong to another.
      if (current != null && !current.equals("c:" + s.customerId)) {
        String field = ctx.getCurrentKey().startsWith("e:") ? "email" : "phone";
        rejectOwned(s, field, current.substring(2), ctx);
        if (field.equals("email")) {
          s.email = null;
        } else {
          s.phone = null;
        }
      }
      out.collect(s);
      return;
    }
    if (current != null) {
      resolveWith(s, current);
      out.collect(s);
      return;
    }
    hold(s, ctx);
  }

  /** Gives a profile's email or phone to its customer, unless another customer owns it. */
  private void claim(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    String target = "c:" + s.customerId;
    String current = history.current();
    if (current == null) {
      history.change(target, s.time);
      linksMade.inc();
      release(target, s.orderTime(), out);
      return;
    }
    if (current.equals(target)) {
      return;
    }
    if (!claimants.contains(s.customerId) && countClaimants() < MAX_CLAIMANTS) {
      claimants.put(s.customerId, s.time);
    }
    rejectOwned(s, ctx.getCurrentKey().startsWith("e:") ? "email" : "phone", current.substring(2),
        ctx);
  }

  /**
   * Ends a customer's claim on an email or phone that their profile no longer lists or that was
   * erased. The earliest waiting claimant (ties by customer id) takes the address over.
   */
  private void unlist(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    claimants.remove(s.customerId);
    if (!("c:" + s.customerId).equals(history.current())) {
      return;
    }
    history.change(null, s.time);
    if (s.deleted) {
      linksErased.inc();
    }
    String next = null;
    long nextAt = Long.MAX_VALUE;
    for (Map.Entry<String, Long> e : claimants.entries()) {
      boolean earlier = e.getValue() < nextAt;
      boolean tie = next != null && e.getValue() == nextAt && e.getKey().compareTo(next) < 0;
      if (earlier || tie) {
        next = e.getKey();
        nextAt = e.getValue();
      }
    }
    if (next == null) {
      return;
    }
    claimants.remove(next);
    history.change("c:" + next, s.time);
    linksMade.inc();
    linksMoved.inc(HANDED_OVER);
    // The previous owner is not named: it may be an erased customer.
    ctx.output(
        AUDIT,
        Audit.of(next, s.time, Outcome.LINK_MOVED)
            .reason(HANDED_OVER)
            .fact("identifier_kind", ctx.getCurrentKey().startsWith("e:") ? "email" : "phone")
            .time("claimed_at", nextAt)
            .fact("stage", level)
            .build());
  }

  private int countClaimants() throws Exception {
    int n = 0;
    for (String ignored : claimants.keys()) {
      n++;
    }
    return n;
  }

  private void rejectOwned(Signal s, String field, String ownerId, Context ctx) {
    linksRejected.inc(OWNED_BY_ANOTHER);
    ctx.output(
        AUDIT,
        Audit.of(s.customerId, s.time, Outcome.REJECTED_LINK)
            .reason(OWNED_BY_ANOTHER)
            .fact("identifier_kind", field)
            .fact("owner_customer_id", ownerId)
            .fact("record_kind", s.kind)
            .fact("record_id", s.id)
            .fact("stage", level)
            .build());
  }

  /**
   * Applies an erasure copy: the identifier stops pointing at the erased customer, and its earlier
   * owners keep no trace of them. The limits stage removes the erased customer's identifiers from
   * later records, so a late link of that customer cannot set the pointer again.
   */
  private void erase(Signal s) throws Exception {
    if (history.erase("c:" + s.customerId, s.time)) {
      linksErased.inc();
    }
  }

  /** Audits a cookie or device taken from a customer by a newer link. */
  private void moved(Signal s, String previousCustomer, String linkTo, Context ctx) {
    boolean toCustomer = linkTo.startsWith("c:");
    String reason = toCustomer ? MOVED_TO_CUSTOMER : MOVED_TO_DEVICE;
    linksMoved.inc(reason);
    ctx.output(
        AUDIT,
        Audit.of(toCustomer ? linkTo.substring(2) : null, s.time, Outcome.LINK_MOVED)
            .reason(reason)
            .fact("identifier_kind", level == Level.COOKIE ? "anonymous_id" : "device_id")
            .fact("previous_customer_id", previousCustomer)
            .fact("record_kind", s.kind)
            .fact("record_id", s.id)
            .fact("stage", level)
            .build());
  }

  /**
   * Builds the notice that informs a customer this cookie or device is no longer theirs, from the
   * time of the record that moved it. It is ordered downstream like that record.
   */
  private Signal releaseNotice(Signal cause, String customer, Context ctx) {
    Signal n = new Signal();
    n.kind = Signal.Kind.EVENT;
    n.eventType = Signal.IDENTIFIER_RELEASED;
    n.id = "released:" + ctx.getCurrentKey() + ":" + cause.id;
    n.time = cause.time;
    n.sequence = cause.sequence;
    n.resolvedAt = cause.resolvedAt;
    n.arrivalWatermark = cause.arrivalWatermark;
    n.channel = cause.channel;
    n.customerId = customer;
    n.resolvedCustomer = customer;
    String identifier = ctx.getCurrentKey().substring(2);
    if (level == Level.COOKIE) {
      n.anonymousId = identifier;
    } else {
      n.deviceId = identifier;
    }
    return n;
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
    if (history.isEmpty()) {
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
    if (seen == null || history.isEmpty()) {
      lastSeen.clear();
      return;
    }
    if (seen + retentionMillis < timestamp) {
      if (history.current() != null) {
        ownersForgotten.inc();
      }
      history.clear();
      lastSeen.clear();
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
