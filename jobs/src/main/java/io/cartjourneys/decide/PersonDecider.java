package io.cartjourneys.decide;

import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.Outcome;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.identity.EventTimeOrdered;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.LabelledCounter;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.model.Audit;
import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.Ids;
import io.cartjourneys.model.Signal;
import io.cartjourneys.orchestrate.QuietHours;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keeps one person's profile, cart, activity and push token, and decides whether an abandonment
 * candidate enters a journey.
 *
 * <p>Records are applied in event-time order: each waits in state until the watermark passes its
 * time, then all records of one instant apply in the order profiles, links, events, feedback,
 * candidates. That makes the result independent of arrival order and parallelism. A record that
 * arrives behind the watermark (late mobile batches, anonymous history released by stitching) is
 * applied at once; cart changes are sums and purchases are compared by time, so late records still
 * land where they belong.
 */
public class PersonDecider extends KeyedProcessFunction<String, Signal, JourneyEvent> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<Decision> DECISIONS = new OutputTag<>("decide-decisions") {};

  /** Records of one instant: by kind, then id, so that arrival order does not matter. */
  private static final Comparator<Signal> ORDER = EventTimeOrdered.ORDER;

  private final JobConfig.Journey policy;
  private final ZoneId defaultZone;
  private final long releaseMemoryMillis;

  private transient ValueState<PersonState> state;
  private transient MapState<Long, List<Signal>> pending;
  private transient QuietHours quiet;
  private transient Counter entered;
  private transient LabelledCounter suppressed;
  private transient Counter lateApplied;
  private transient Histogram eventTimeLag;
  /** The watermark as of the last record or timer, for the watermark-lag gauge. */
  private transient volatile long lastWatermark;

  /**
   * Creates the decide stage's function.
   *
   * @param policy the journey settings
   * @param releaseMemory how long a cookie or device that left the person is remembered as gone,
   *     so that a late push token from it is not taken up. The topology passes
   *     identity.anonymous-retention, after which the identity stages forget the identifier too.
   */
  public PersonDecider(JobConfig.Journey policy, Duration releaseMemory) {
    this.policy = policy;
    this.defaultZone = policy.defaultTimeZone;
    this.releaseMemoryMillis = releaseMemory.toMillis();
  }

  /** Returns the descriptor of the person's state, which inspect-savepoint reads too. */
  public static ValueStateDescriptor<PersonState> personDescriptor() {
    return new ValueStateDescriptor<>("person", PersonState.class);
  }

  /** Returns the descriptor of the records that wait for the watermark, by effective time in ms. */
  public static MapStateDescriptor<Long, List<Signal>> pendingDescriptor() {
    return new MapStateDescriptor<>(
        "pending",
        TypeInformation.of(Long.class),
        TypeInformation.of(new TypeHint<List<Signal>>() {}));
  }

  @Override
  public void open(OpenContext context) {
    state = getRuntimeContext().getState(personDescriptor());
    pending = getRuntimeContext().getMapState(pendingDescriptor());
    quiet = new QuietHours(policy.quietHoursStart, policy.quietHoursEnd);
    StageMetrics metrics = StageMetrics.of(getRuntimeContext());
    entered = metrics.counter(JobMetric.JOURNEYS_ENTERED);
    suppressed = metrics.labelled(JobMetric.CANDIDATES_SUPPRESSED);
    lateApplied = metrics.counter(JobMetric.LATE_RECORDS_APPLIED);
    eventTimeLag = metrics.histogram(JobMetric.EVENT_TIME_LAG);
    lastWatermark = Long.MIN_VALUE;
    metrics.gauge(JobMetric.WATERMARK_LAG, this::watermarkLag);
  }

  /** Returns wall-clock milliseconds behind the last watermark seen, 0 before the first one. */
  private long watermarkLag() {
    long watermark = lastWatermark;
    return watermark == Long.MIN_VALUE ? 0 : System.currentTimeMillis() - watermark;
  }

  @Override
  public void processElement(Signal s, Context ctx, Collector<JourneyEvent> out) throws Exception {
    lastWatermark = ctx.timerService().currentWatermark();
    if (s.kind == Signal.Kind.EVENT) {
      eventTimeLag.update(ctx.timerService().currentProcessingTime() - s.time);
    }
    long at = s.orderTime();
    if (at <= ctx.timerService().currentWatermark()) {
      // Not expected: order times lie ahead of the watermark (see Signal#orderTime).
      lateApplied.inc();
      PersonState existing = state.value();
      PersonState p = existing == null ? new PersonState() : existing;
      apply(p, s, ctx.getCurrentKey(), at, ctx, out);
      save(existing, p);
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
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyEvent> out)
      throws Exception {
    lastWatermark = ctx.timerService().currentWatermark();
    List<Signal> list = pending.get(timestamp);
    if (list == null) {
      return;
    }
    pending.remove(timestamp);
    list.sort(ORDER);
    PersonState existing = state.value();
    PersonState p = existing == null ? new PersonState() : existing;
    for (Signal s : list) {
      apply(p, s, ctx.getCurrentKey(), timestamp, ctx, out);
    }
    save(existing, p);
  }

  /** Writes the state back, unless the records left a person unknown before still unknown. */
  private void save(PersonState existing, PersonState p) throws Exception {
    if (existing != null || !p.isEmpty()) {
      state.update(p);
    }
  }

  private void apply(
      PersonState p,
      Signal s,
      String customer,
      long now,
      KeyedProcessFunction<String, Signal, JourneyEvent>.Context ctx,
      Collector<JourneyEvent> out) {
    // Everything emitted while applying this record is ordered downstream at its order time.
    Collector<JourneyEvent> stamped =
        new Collector<>() {
          @Override
          public void collect(JourneyEvent e) {
            e.at = now;
            out.collect(e);
          }

          @Override
          public void close() {}
        };
    switch (s.kind) {
      case PROFILE -> applyProfile(p, s, customer, now, ctx, stamped);
      case EVENT -> applyEvent(p, s, customer, stamped);
      case FEEDBACK -> {
        if (p.isEmpty()) {
          // The command id names a person this job never saw: forged, or from another system.
          ctx.output(
              DECISIONS,
              Audit.of(customer, s.time, Outcome.SKIPPED)
                  .reason("feedback-for-unknown-person")
                  .fact("record_id", s.id)
                  .build());
        } else {
          applyFeedback(p, s, customer, stamped);
        }
      }
      case CANDIDATE -> decide(p, s, customer, now, ctx, stamped);
      case LINK -> {}
    }
  }

  // ------------------------------------------------------------------ profile and feedback

  private void applyProfile(
      PersonState p,
      Signal s,
      String customer,
      long now,
      KeyedProcessFunction<String, Signal, JourneyEvent>.Context ctx,
      Collector<JourneyEvent> out) {
    if (p.erased) {
      return;
    }
    if (s.deleted) {
      // Erasure: forget everything but the fact, so that nothing is sent afterwards. The audit
      // record is dated when the erasure applies, which is later than its own time if it was late.
      // Records that wait for the watermark are dropped too, and their timers find nothing.
      PersonState erased = new PersonState();
      erased.erased = true;
      erased.profileUpdatedAt = s.time;
      copyInto(erased, p);
      try {
        pending.clear();
      } catch (Exception e) {
        throw new IllegalStateException(
            "Failed to clear the pending records of an erased person", e);
      }
      out.collect(JourneyEvent.of(JourneyEvent.Type.ERASED, customer, s.time));
      ctx.output(
          DECISIONS,
          Audit.of(customer, now, Outcome.EXITED)
              .reason("erased")
              .time("cause_at", s.time)
              .build());
      return;
    }
    if (s.time < p.profileUpdatedAt) {
      return; // an older version of the profile than the one applied
    }
    p.hasProfile = true;
    p.profileUpdatedAt = s.time;
    Contact c = p.contact;
    String first = s.emails.isEmpty() ? null : s.emails.get(0);
    c.email = first != null && first.equals(p.bouncedEmail) ? null : first;
    c.firstName = s.firstName;
    c.locale = s.locale;
    String emailConsent = s.emailConsent == null ? "UNKNOWN" : s.emailConsent;
    String pushConsent = s.pushConsent == null ? "UNKNOWN" : s.pushConsent;
    // A consent the CRM changed explicitly (after a re-opt-in, say) overrides an unsubscribe.
    if (!emailConsent.equals(p.profileEmailConsent)) {
      p.emailUnsubscribed = false;
    }
    if (!pushConsent.equals(p.profilePushConsent)) {
      p.pushUnsubscribed = false;
    }
    p.profileEmailConsent = emailConsent;
    p.profilePushConsent = pushConsent;
    String emailBefore = c.emailConsent;
    String pushBefore = c.pushConsent;
    c.emailConsent = p.emailUnsubscribed ? "OPTED_OUT" : emailConsent;
    c.pushConsent = p.pushUnsubscribed ? "OPTED_OUT" : pushConsent;
    withdrawn(customer, s.time, "EMAIL", emailBefore, c.emailConsent, out);
    withdrawn(customer, s.time, "PUSH", pushBefore, c.pushConsent, out);
    p.profileZone = s.timeZone;
    c.timeZone = zone(s.timeZone).getId();
    if (s.timeZone != null && !c.timeZone.equals(s.timeZone)) {
      ctx.output(
          DECISIONS,
          Audit.of(customer, s.time, Outcome.SKIPPED)
              .reason("unknown-time-zone")
              .fact("default_zone", defaultZone.getId())
              .build());
    }
    facts(p, customer, s.time, out);
  }

  /** Tells the orchestrator to end the person's journeys when consent on a channel was lost. */
  private static void withdrawn(
      String customer,
      long time,
      String channel,
      String before,
      String after,
      Collector<JourneyEvent> out) {
    if ("OPTED_IN".equals(before) && !"OPTED_IN".equals(after)) {
      JourneyEvent e = JourneyEvent.of(JourneyEvent.Type.WITHDRAWN, customer, time);
      e.status = "consent-withdrawn";
      e.channel = channel;
      out.collect(e);
    }
  }

  private void applyFeedback(
      PersonState p, Signal s, String customer, Collector<JourneyEvent> out) {
    if (p.erased) {
      return;
    }
    switch (s.status) {
      case "UNSUBSCRIBED" -> {
        // The channel of the command: step 2 is always email, step 1 is the journey's channel. A
        // command of a journey no longer kept could be either, so both channels stop.
        String channel =
            p.channelOfCommand(Ids.journeyOfCommand(s.commandId), Ids.stepOfCommand(s.commandId));
        if (channel == null || channel.equals("EMAIL")) {
          p.emailUnsubscribed = true;
          p.contact.emailConsent = "OPTED_OUT";
        }
        if (channel == null || channel.equals("PUSH")) {
          p.pushUnsubscribed = true;
          p.contact.pushConsent = "OPTED_OUT";
        }
        JourneyEvent e = JourneyEvent.of(JourneyEvent.Type.WITHDRAWN, customer, s.time);
        e.status = "unsubscribed";
        e.channel = channel == null ? "ALL" : channel;
        out.collect(e);
      }
      case "BOUNCED" -> {
        // A second bounce finds no address left; keep the one the first bounce reported.
        if (p.contact.email != null) {
          p.bouncedEmail = p.contact.email;
          p.contact.email = null;
        }
      }
      case "TOKEN_INVALID" -> {
        // The token the push went to is dropped, and an older one from another device may take
        // over. A token given after the push stays: the app may have been reinstalled since.
        PersonState.EnteredJourney pushed = p.journey(Ids.journeyOfCommand(s.commandId));
        String invalid =
            pushed != null && pushed.pushToken != null ? pushed.pushToken : p.contact.pushToken;
        for (PersonState.TokenSource t : tokenSources(p)) {
          if (invalid != null && invalid.equals(t.token)) {
            t.token = null;
          }
        }
        tokenChanged(p, s.time);
      }
      default -> {}
    }
    facts(p, customer, s.time, out);
    JourneyEvent e = JourneyEvent.of(JourneyEvent.Type.FEEDBACK, customer, s.time);
    e.commandId = s.commandId;
    e.status = s.status;
    out.collect(e);
  }

  private void facts(PersonState p, String customer, long time, Collector<JourneyEvent> out) {
    JourneyEvent e = JourneyEvent.of(JourneyEvent.Type.FACTS, customer, time);
    e.contact = p.contact.copy();
    out.collect(e);
  }

  // ------------------------------------------------------------------ behaviour

  private void applyEvent(PersonState p, Signal s, String customer, Collector<JourneyEvent> out) {
    if (p.erased) {
      return;
    }
    if (s.isRelease()) {
      // A cookie or device left this person: push tokens given on it are no longer theirs.
      String before = p.contact.pushToken;
      endTokens(p, s);
      if (!Objects.equals(before, p.contact.pushToken)) {
        facts(p, customer, s.time, out);
      }
      return;
    }
    if (s.time > p.lastEventAt) {
      p.lastEventAt = s.time;
      p.lastEventChannel = s.channel;
    }
    if (s.authenticated && s.pushToken != null && customer.equals(s.customerId)) {
      String before = p.contact.pushToken;
      giveToken(p, s);
      if (!Objects.equals(before, p.contact.pushToken)) {
        facts(p, customer, s.time, out);
      }
    }
    switch (s.eventType) {
      case "PRODUCT_VIEW" -> remember(p, s);
      case "ADD_TO_CART", "REMOVE_FROM_CART", "CHECKOUT_STARTED" -> {
        if (s.time <= p.lastPurchaseAt) {
          return; // bought after this change: it belongs to a finished episode
        }
        boolean hadItems = !p.cart().isEmpty();
        if (s.items.isEmpty()) {
          p.changes.add(new PersonState.CartChange(s.time, s.eventType, null));
        }
        for (CartItem i : s.items) {
          p.changes.add(new PersonState.CartChange(s.time, s.eventType, i.copy()));
        }
        trimChanges(p);
        List<CartItem> cart = p.cart();
        if (hadItems && cart.isEmpty()) {
          out.collect(JourneyEvent.of(JourneyEvent.Type.CART_EMPTIED, customer, s.time));
        } else if (!cart.isEmpty()) {
          PersonState.EnteredJourney entered = p.journeyOfCurrentEpisode();
          if (entered != null) {
            // The journey of this episode may have steps to come, which show the cart as it is.
            JourneyEvent e = JourneyEvent.of(JourneyEvent.Type.CART, customer, s.time);
            e.journeyId = entered.journeyId;
            e.cart = cart;
            e.viewed = recentlyViewed(p, cart);
            out.collect(e);
          }
        }
      }
      case "PURCHASE" -> {
        if (s.time > p.lastPurchaseAt) {
          p.lastPurchaseAt = s.time;
          p.changes.removeIf(c -> c.time <= s.time);
        }
        JourneyEvent e = JourneyEvent.of(JourneyEvent.Type.PURCHASE, customer, s.time);
        e.orderId = s.orderId;
        out.collect(e);
      }
      default -> {}
    }
  }

  // ------------------------------------------------------------------ push tokens

  /**
   * Returns the person's token sources. State written before tokens were kept per identifier has
   * only the current token, which becomes a source without an identifier.
   */
  private static List<PersonState.TokenSource> tokenSources(PersonState p) {
    if (p.pushTokens == null) {
      p.pushTokens = new ArrayList<>();
    }
    if (p.pushTokens.isEmpty() && p.contact.pushToken != null) {
      p.pushTokens.add(new PersonState.TokenSource("", p.contact.pushToken, p.pushTokenAt));
    }
    return p.pushTokens;
  }

  private static String tokenIdentifier(Signal s) {
    if (s.deviceId != null) {
      return "d:" + s.deviceId;
    }
    return s.anonymousId != null ? "a:" + s.anonymousId : "";
  }

  /** Records the token an authenticated event of the person carries, unless newer news exists. */
  private void giveToken(PersonState p, Signal s) {
    List<PersonState.TokenSource> sources = tokenSources(p);
    String identifier = tokenIdentifier(s);
    PersonState.TokenSource source = null;
    for (PersonState.TokenSource t : sources) {
      if (t.identifier.equals(identifier)) {
        source = t;
      }
    }
    if (source == null) {
      sources.add(new PersonState.TokenSource(identifier, s.pushToken, s.time));
    } else if (s.time >= source.at) {
      source.token = s.pushToken;
      source.at = s.time;
    }
    tokenChanged(p, s.time);
  }

  /** Ends the tokens given on the identifiers of a release notice, from its time on. */
  private void endTokens(PersonState p, Signal release) {
    List<PersonState.TokenSource> sources = tokenSources(p);
    List<String> identifiers = new ArrayList<>();
    if (release.deviceId != null) {
      identifiers.add("d:" + release.deviceId);
    }
    if (release.anonymousId != null) {
      identifiers.add("a:" + release.anonymousId);
    }
    for (String identifier : identifiers) {
      PersonState.TokenSource source = null;
      for (PersonState.TokenSource t : sources) {
        if (t.identifier.equals(identifier)) {
          source = t;
        }
      }
      if (source == null) {
        sources.add(new PersonState.TokenSource(identifier, null, release.time));
      } else if (release.time >= source.at) {
        source.token = null;
        source.at = release.time;
      }
    }
    tokenChanged(p, release.time);
  }

  /**
   * Sets the current token after a change at {@code time} and hands it to the push journeys whose
   * first touch is still to come, so that they remember the token their push goes to. A step due
   * at the same instant uses the new token, because records of an instant apply before its steps.
   */
  private void tokenChanged(PersonState p, long time) {
    currentToken(p, time);
    for (PersonState.EnteredJourney j : p.journeys) {
      if ("PUSH".equals(j.channel) && j.firstTouchAt >= time) {
        j.pushToken = p.contact.pushToken;
      }
    }
  }

  /**
   * Sets the person's push token to the newest live one (ties by identifier) and bounds the
   * sources. Marks of identifiers that left the person are dropped once {@code releaseMemoryMillis}
   * before {@code now}, and beyond {@link PersonState#MAX_TOKEN_SOURCES} sources the oldest marks
   * go before any live token, so that a customer who logs in and out on many browsers keeps the
   * token of their phone.
   */
  private void currentToken(PersonState p, long now) {
    List<PersonState.TokenSource> sources = p.pushTokens;
    sources.removeIf(t -> t.token == null && t.at < now - releaseMemoryMillis);
    sources.sort(
        Comparator.comparingLong((PersonState.TokenSource t) -> t.at)
            .reversed()
            .thenComparing(t -> t.identifier));
    for (int i = sources.size() - 1;
        i >= 0 && sources.size() > PersonState.MAX_TOKEN_SOURCES;
        i--) {
      if (sources.get(i).token == null) {
        sources.remove(i);
      }
    }
    while (sources.size() > PersonState.MAX_TOKEN_SOURCES) {
      sources.remove(sources.size() - 1);
    }
    p.contact.pushToken = null;
    p.pushTokenAt = PersonState.NEVER;
    for (PersonState.TokenSource t : sources) {
      if (t.token != null) {
        p.contact.pushToken = t.token;
        p.pushTokenAt = t.at;
        break;
      }
    }
  }

  /** Bounds a cart that is never bought; the oldest changes go first. */
  private static void trimChanges(PersonState p) {
    int limit = 500;
    if (p.changes.size() > limit) {
      p.changes.sort((a, b) -> Long.compare(a.time, b.time));
      p.changes.subList(0, p.changes.size() - limit).clear();
    }
  }

  private void remember(PersonState p, Signal s) {
    for (CartItem i : s.items) {
      int existing = -1;
      for (int k = 0; k < p.viewed.size(); k++) {
        if (p.viewed.get(k).sku.equals(i.sku)) {
          existing = k;
        }
      }
      if (existing >= 0) {
        if (p.viewedAt.get(existing) >= s.time) {
          continue;
        }
        p.viewed.remove(existing);
        p.viewedAt.remove(existing);
      }
      // Kept newest first.
      int pos = 0;
      while (pos < p.viewedAt.size() && p.viewedAt.get(pos) > s.time) {
        pos++;
      }
      CartItem v = i.copy();
      v.quantity = 1;
      p.viewed.add(pos, v);
      p.viewedAt.add(pos, s.time);
    }
    int keep = Math.max(policy.recentlyViewedLimit * 2, 10);
    while (p.viewed.size() > keep) {
      p.viewed.remove(p.viewed.size() - 1);
      p.viewedAt.remove(p.viewedAt.size() - 1);
    }
  }

  // ------------------------------------------------------------------ the decision

  private void decide(
      PersonState p,
      Signal c,
      String customer,
      long now,
      KeyedProcessFunction<String, Signal, JourneyEvent>.Context ctx,
      Collector<JourneyEvent> out) {
    long decidedAt = now;
    long changeAt = c.lastChangeAt;
    if (p.erased) {
      // Counted, but no decision record: nothing may name an erased customer afterwards.
      suppressed.inc("erased");
      return;
    }
    if (p.lastChangeAt() > changeAt) {
      return; // a later change on another identifier restarted the inactivity period
    }
    if (changeAt <= p.lastDecidedChangeAt) {
      return; // this change was decided already
    }
    Audit audit =
        Audit.of(customer, decidedAt, Outcome.SUPPRESSED)
            .time("last_cart_change_at", changeAt)
            .fact("candidate", c.id);
    if (c.resolvedAt > 0) {
      audit.time("identity_resolved_at", c.resolvedAt);
    }
    if (p.lastPurchaseAt >= changeAt) {
      suppress(audit.reason("purchased").time("purchased_at", p.lastPurchaseAt), ctx);
      return;
    }
    List<CartItem> cart = p.cart();
    if (cart.isEmpty()) {
      suppress(audit.reason("cart-empty"), ctx);
      return;
    }
    p.lastDecidedChangeAt = changeAt;
    long episodeStart = p.episodeStartedAt();
    String journeyId = Ids.journeyId(customer, episodeStart);
    audit.journey(journeyId, episodeStart).fact("cart_lines", cart.size());
    PersonState.EnteredJourney current = p.journeyOfCurrentEpisode();
    if (current != null) {
      // One journey per episode: a cart change after entry does not start a second one.
      suppress(
          audit.reason("episode-already-entered").fact("entered_journey_id", current.journeyId),
          ctx);
      return;
    }
    if (!p.hasProfile) {
      suppress(audit.reason("no-crm-profile"), ctx);
      return;
    }
    if (decidedAt - changeAt > policy.recencyLimit.toMillis()) {
      suppress(audit.reason("cart-too-old"), ctx);
      return;
    }
    if (p.lastFirstTouchAt != PersonState.NEVER
        && decidedAt < p.lastFirstTouchAt + policy.reentryCooldown.toMillis()) {
      suppress(audit.reason("cooldown").time("previous_first_touch_at", p.lastFirstTouchAt), ctx);
      return;
    }
    boolean appActive = "MOBILE_APP".equals(p.lastEventChannel);
    Contact contact = p.contact;
    audit
        .fact("active_in_app", appActive)
        .fact("has_push_token", contact.pushToken != null)
        .fact("push_consent", contact.pushConsent)
        .fact("has_email", contact.email != null)
        .fact("email_consent", contact.emailConsent);
    if (p.emailUnsubscribed) {
      audit.fact("email_unsubscribed", true);
    }
    if (p.pushUnsubscribed) {
      audit.fact("push_unsubscribed", true);
    }
    String channel;
    if (appActive && contact.pushAllowed()) {
      channel = "PUSH";
    } else if (contact.emailAllowed()) {
      channel = "EMAIL";
    } else {
      suppress(audit.reason("no-contactable-channel"), ctx);
      return;
    }
    ZoneId zone = ZoneId.of(contact.timeZone == null ? defaultZone.getId() : contact.timeZone);
    audit.fact("time_zone", zone.getId()).fact("time_zone_source", zoneSource(p, zone));
    Instant planned = Instant.ofEpochMilli(decidedAt).plus(policy.firstTouchDelay);
    long firstTouch = quiet.nextAllowed(planned, zone).toEpochMilli();
    boolean holdout = Ids.percentile(customer) < policy.holdoutPercent;
    p.lastFirstTouchAt = firstTouch;
    PersonState.EnteredJourney entering =
        new PersonState.EnteredJourney(journeyId, episodeStart, channel);
    entering.firstTouchAt = firstTouch;
    entering.pushToken = "PUSH".equals(channel) ? contact.pushToken : null;
    p.entered(entering);
    entered.inc();

    JourneyEvent start = JourneyEvent.of(JourneyEvent.Type.START, customer, decidedAt);
    start.journeyId = journeyId;
    start.episodeStartedAt = episodeStart;
    start.lastChangeAt = changeAt;
    start.decidedAt = decidedAt;
    start.firstTouchAt = firstTouch;
    start.channel = channel;
    start.holdout = holdout;
    start.cart = cart;
    start.viewed = recentlyViewed(p, cart);
    start.contact = contact.copy();
    ctx.output(
        DECISIONS,
        rebuild(audit, customer, decidedAt, holdout ? Outcome.HOLDOUT : Outcome.ENTERED)
            .fact("channel", channel)
            .time("first_touch_at", firstTouch)
            .build());
    out.collect(start);
  }

  private List<CartItem> recentlyViewed(PersonState p, List<CartItem> cart) {
    List<CartItem> result = new ArrayList<>();
    for (CartItem v : p.viewed) {
      if (result.size() >= policy.recentlyViewedLimit) {
        break;
      }
      if (cart.stream().noneMatch(i -> i.sku.equals(v.sku))) {
        result.add(v.copy());
      }
    }
    return result;
  }

  /** The same facts under another outcome. */
  private static Audit rebuild(Audit from, String customer, long at, Outcome outcome) {
    Decision d = from.build();
    Audit a = Audit.of(customer, at, outcome);
    if (d.getJourneyId() != null) {
      a.journey(d.getJourneyId(), d.getEpisodeStartedAt().toEpochMilli());
    }
    d.getFacts().forEach(a::fact);
    return a;
  }

  private void suppress(
      Audit audit, KeyedProcessFunction<String, Signal, JourneyEvent>.Context ctx) {
    Decision d = audit.build();
    suppressed.inc(d.getReason() == null ? null : d.getReason().toString());
    ctx.output(DECISIONS, d);
  }

  /**
   * Returns where the zone of quiet hours came from: {@code profile}, or the configured default
   * because the profile has none ({@code default-time-zone-missing}) or an unknown one ({@code
   * default-time-zone-unknown}).
   */
  private static String zoneSource(PersonState p, ZoneId zone) {
    if (p.profileZone == null) {
      return "default-time-zone-missing";
    }
    return p.profileZone.equals(zone.getId()) ? "profile" : "default-time-zone-unknown";
  }

  private ZoneId zone(String id) {
    if (id == null) {
      return defaultZone;
    }
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      return defaultZone;
    }
  }

  private static void copyInto(PersonState from, PersonState to) {
    to.hasProfile = from.hasProfile;
    to.profileUpdatedAt = from.profileUpdatedAt;
    to.erased = from.erased;
    to.profileZone = from.profileZone;
    to.contact = from.contact;
    to.bouncedEmail = from.bouncedEmail;
    to.changes = from.changes;
    to.lastPurchaseAt = from.lastPurchaseAt;
    to.lastEventAt = from.lastEventAt;
    to.lastEventChannel = from.lastEventChannel;
    to.pushTokenAt = from.pushTokenAt;
    to.pushTokens = from.pushTokens;
    to.viewed = from.viewed;
    to.viewedAt = from.viewedAt;
    to.lastFirstTouchAt = from.lastFirstTouchAt;
    to.lastDecidedChangeAt = from.lastDecidedChangeAt;
    to.profileEmailConsent = from.profileEmailConsent;
    to.profilePushConsent = from.profilePushConsent;
    to.emailUnsubscribed = from.emailUnsubscribed;
    to.pushUnsubscribed = from.pushUnsubscribed;
    to.journeys = from.journeys;
  }
}
