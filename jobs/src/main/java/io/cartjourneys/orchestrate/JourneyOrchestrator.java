package io.cartjourneys.orchestrate;

import io.cartjourneys.avro.CommandChannel;
import io.cartjourneys.avro.Conversion;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.avro.Item;
import io.cartjourneys.avro.Outcome;
import io.cartjourneys.avro.Product;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.decide.Contact;
import io.cartjourneys.decide.JourneyEvent;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.LabelledCounter;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.metrics.StateCount;
import io.cartjourneys.model.Audit;
import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.Ids;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Times the steps of each entered journey with event-time timers: the first touch on the chosen
 * channel, then a follow-up email when the first touch was a push. Sends falling in quiet hours
 * move to their end; caps, consent and purchases are checked when a step is due.
 *
 * <p>Inputs from the decide stage wait in state until the watermark reaches their time and then
 * apply before any step due at the same instant: a purchase at the instant a step is due wins.
 */
public class JourneyOrchestrator extends KeyedProcessFunction<String, JourneyEvent, Decision>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<EngagementCommand> PUSH = new OutputTag<>("push") {};
  public static final OutputTag<EngagementCommand> EMAIL = new OutputTag<>("email") {};
  public static final OutputTag<Conversion> CONVERSIONS = new OutputTag<>("conversions") {};

  private final JobConfig.Journey policy;
  private transient ValueState<OrchestratorState> state;
  private transient MapState<Long, List<JourneyEvent>> pending;
  private transient QuietHours quiet;
  private transient LabelledCounter commands;
  private transient LabelledCounter skipped;
  private transient LabelledCounter exited;
  private transient Counter conversions;
  private transient Histogram decisionToSend;
  private final StateCount inFlight = new StateCount("journeys-in-flight-gauge");

  public JourneyOrchestrator(JobConfig.Journey policy) {
    this.policy = policy;
  }

  /** Returns the descriptor of the person's journeys and contact, read by inspect-savepoint too. */
  public static ValueStateDescriptor<OrchestratorState> orchestrationDescriptor() {
    return new ValueStateDescriptor<>("orchestration", OrchestratorState.class);
  }

  @Override
  public void open(OpenContext context) {
    state = getRuntimeContext().getState(orchestrationDescriptor());
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending",
                    TypeInformation.of(Long.class),
                    TypeInformation.of(new TypeHint<List<JourneyEvent>>() {})));
    quiet = new QuietHours(policy.quietHoursStart, policy.quietHoursEnd);
    StageMetrics metrics = StageMetrics.of(getRuntimeContext());
    commands = metrics.labelled(JobMetric.COMMANDS_EMITTED);
    for (CommandChannel channel : CommandChannel.values()) {
      commands.register(channel.name());
    }
    skipped = metrics.labelled(JobMetric.STEPS_SKIPPED);
    exited = metrics.labelled(JobMetric.JOURNEYS_EXITED);
    conversions = metrics.counter(JobMetric.CONVERSIONS);
    decisionToSend = metrics.histogram(JobMetric.DECISION_TO_SEND_DELAY);
    metrics.gauge(JobMetric.JOURNEYS_IN_FLIGHT, inFlight::value);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    inFlight.initialize(context);
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    inFlight.snapshot();
  }

  @Override
  public void processElement(JourneyEvent e, Context ctx, Collector<Decision> out)
      throws Exception {
    if (e.at <= ctx.timerService().currentWatermark()) {
      // Late (a purchase from a mobile batch, say): it still ends what it can.
      OrchestratorState s = load();
      if (apply(s, e, ctx, out)) {
        prune(s, e.at);
        state.update(s);
      }
      return;
    }
    List<JourneyEvent> list = pending.get(e.at);
    if (list == null) {
      list = new ArrayList<>();
    }
    list.add(e);
    pending.put(e.at, list);
    ctx.timerService().registerEventTimeTimer(e.at);
  }

  /**
   * Inputs wait until the watermark reaches their time, so that a step due earlier fires first
   * even when the decide stage emitted both before the watermark moved. At one instant, inputs
   * apply before due steps.
   */
  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Decision> out)
      throws Exception {
    OrchestratorState s = load();
    List<JourneyEvent> inputs = pending.get(timestamp);
    if (inputs != null) {
      pending.remove(timestamp);
      for (JourneyEvent e : inputs) {
        if (!apply(s, e, ctx, out)) {
          s = new OrchestratorState();
        }
      }
    }
    for (JourneyRecord j : s.journeys) {
      if (j.active && j.nextStep > 0 && j.nextDueAt <= timestamp) {
        step(s, j, timestamp, ctx, out);
      }
    }
    prune(s, timestamp);
    if (s.journeys.isEmpty() && s.contact.email == null && s.contact.pushToken == null
        && s.lastPushAt == OrchestratorState.NEVER && s.lastEmailAt == OrchestratorState.NEVER) {
      state.clear();
    } else {
      state.update(s);
    }
  }

  private OrchestratorState load() throws Exception {
    OrchestratorState s = state.value();
    return s == null ? new OrchestratorState() : s;
  }

  /** Applies one input; false when it erased the person and the state must be dropped. */
  private boolean apply(
      OrchestratorState s,
      JourneyEvent e,
      KeyedProcessFunction<String, JourneyEvent, Decision>.Context ctx,
      Collector<Decision> out) {
    switch (e.type) {
      case START -> start(s, e, ctx, out);
      case FACTS -> s.contact = e.contact;
      case PURCHASE -> purchase(s, e, ctx, out);
      case CART_EMPTIED -> exitAll(s, e, "cart-emptied", out);
      case ERASED -> {
        exitAll(s, e, "erased", out);
        state.clear();
        return false;
      }
      case FEEDBACK -> feedback(s, e, ctx, out);
      case WITHDRAWN -> exitAll(s, e, e.status, out);
      case CART -> cartChanged(s, e);
    }
    return true;
  }

  // ------------------------------------------------------------------ inputs

  private void start(
      OrchestratorState s,
      JourneyEvent e,
      KeyedProcessFunction<String, JourneyEvent, Decision>.Context ctx,
      Collector<Decision> out) {
    s.contact = e.contact;
    JourneyRecord j = new JourneyRecord();
    j.journeyId = e.journeyId;
    j.episodeStartedAt = e.episodeStartedAt;
    j.lastChangeAt = e.lastChangeAt;
    j.decidedAt = e.decidedAt;
    j.firstTouchAt = e.firstTouchAt;
    j.channel = e.channel;
    j.holdout = e.holdout;
    j.cart = e.cart;
    j.viewed = e.viewed;
    j.active = !e.holdout;
    j.nextStep = e.holdout ? 0 : 1;
    j.nextDueAt = e.firstTouchAt;
    s.journeys.add(j);
    if (j.active) {
      inFlight.add(1);
      long planned = e.decidedAt + policy.firstTouchDelay.toMillis();
      if (e.firstTouchAt > planned) {
        out.collect(
            audit(e.customerId, j, e.decidedAt, Outcome.DEFERRED)
                .reason("quiet-hours")
                .step(1, CommandChannel.valueOf(j.channel), null)
                .time("planned_at", planned)
                .time("deliver_after", e.firstTouchAt)
                .fact("time_zone", zone(e.contact).getId())
                .fact("local_deliver_after", local(e.firstTouchAt, zone(e.contact)))
                .build());
      }
      ctx.timerService().registerEventTimeTimer(Math.max(j.nextDueAt, e.at));
    }
  }

  private void purchase(
      OrchestratorState s,
      JourneyEvent e,
      KeyedProcessFunction<String, JourneyEvent, Decision>.Context ctx,
      Collector<Decision> out) {
    exitAll(s, e, "purchased", out);
    for (JourneyRecord j : s.journeys) {
      long since = e.time - j.firstTouchAt;
      if (!j.converted && since >= 0 && since <= policy.attributionWindow.toMillis()) {
        j.converted = true;
        conversions.inc();
        ctx.output(
            CONVERSIONS,
            Conversion.newBuilder()
                .setCustomerId(e.customerId)
                .setJourneyId(j.journeyId)
                .setOrderId(e.orderId)
                .setPurchasedAt(Instant.ofEpochMilli(e.time))
                .setMillisSinceFirstTouch(since)
                .setHoldout(j.holdout)
                .build());
        out.collect(
            audit(e.customerId, j, e.time, Outcome.CONVERTED)
                .fact("order_id", e.orderId)
                .fact("millis_since_first_touch", since)
                .fact("holdout", j.holdout)
                .build());
      }
    }
  }

  /**
   * Ends every active journey the input closes, cancelling all of its pending steps at once; a
   * purchase only closes journeys of carts changed before it. The EXITED record is dated when the
   * input applies, which for a late record is after its own time ({@code cause_at}).
   */
  private void exitAll(
      OrchestratorState s, JourneyEvent e, String reason, Collector<Decision> out) {
    for (JourneyRecord j : s.journeys) {
      if (!j.active) {
        continue;
      }
      if (e.type == JourneyEvent.Type.PURCHASE && e.time < j.lastChangeAt) {
        continue;
      }
      j.active = false;
      inFlight.add(-1);
      int remaining = j.nextStep;
      j.nextStep = 0;
      exited.inc(reason);
      Audit audit =
          audit(e.customerId, j, e.at, Outcome.EXITED)
              .reason(reason)
              .fact("next_step", remaining)
              .time("next_due_at", j.nextDueAt)
              .time("cause_at", e.time);
      if (e.type == JourneyEvent.Type.WITHDRAWN) {
        audit.fact("channel_withdrawn", e.channel);
      }
      out.collect(audit.build());
    }
  }

  /**
   * Gives the steps still to come of the named journey the cart as it is after a change. Sent
   * steps keep what they showed. An emptied cart exits the journey instead (CART_EMPTIED).
   */
  private void cartChanged(OrchestratorState s, JourneyEvent e) {
    for (JourneyRecord j : s.journeys) {
      if (j.active && j.journeyId.equals(e.journeyId)) {
        j.cart = e.cart;
        j.viewed = e.viewed;
        j.cartChangedAt = e.time;
      }
    }
  }

  private void feedback(
      OrchestratorState s,
      JourneyEvent e,
      KeyedProcessFunction<String, JourneyEvent, Decision>.Context ctx,
      Collector<Decision> out) {
    String journeyId = Ids.journeyOfCommand(e.commandId);
    int step = Ids.stepOfCommand(e.commandId);
    for (JourneyRecord j : s.journeys) {
      if (!j.journeyId.equals(journeyId)) {
        continue;
      }
      if ("TOKEN_INVALID".equals(e.status)
          && step == 1
          && "PUSH".equals(j.channel)
          && j.active
          && j.nextStep == 2) {
        // The push could not be delivered: the follow-up email is due now, not in hours.
        long due =
            Math.max(
                e.at,
                quiet.nextAllowed(Instant.ofEpochMilli(e.time), zone(s.contact)).toEpochMilli());
        if (due < j.nextDueAt) {
          j.nextDueAt = due;
          ctx.timerService().registerEventTimeTimer(due);
          out.collect(
              audit(e.customerId, j, e.time, Outcome.DEFERRED)
                  .reason("push-token-invalid")
                  .step(2, CommandChannel.EMAIL, null)
                  .time("deliver_after", due)
                  .fact("time_zone", zone(s.contact).getId())
                  .fact("local_deliver_after", local(due, zone(s.contact)))
                  .build());
        }
      }
    }
  }

  // ------------------------------------------------------------------ steps

  private void step(
      OrchestratorState s, JourneyRecord j, long now, OnTimerContext ctx, Collector<Decision> out) {
    String customer = ctx.getCurrentKey();
    int stepNo = j.nextStep;
    CommandChannel channel = stepNo == 1 ? CommandChannel.valueOf(j.channel) : CommandChannel.EMAIL;
    ZoneId zone = zone(s.contact);
    Instant due = Instant.ofEpochMilli(now);
    if (quiet.isQuiet(due, zone)) {
      j.nextDueAt = quiet.nextAllowed(due, zone).toEpochMilli();
      ctx.timerService().registerEventTimeTimer(j.nextDueAt);
      out.collect(
          audit(customer, j, now, Outcome.DEFERRED)
              .reason("quiet-hours")
              .step(stepNo, channel, null)
              .time("deliver_after", j.nextDueAt)
              .fact("time_zone", zone.getId())
              .fact("local_deliver_after", local(j.nextDueAt, zone))
              .build());
      return;
    }
    // Eligibility is checked again here, just before sending: consent, address and caps may have
    // changed since the journey was entered.
    String skip = null;
    long lastSent = OrchestratorState.NEVER;
    long capEnds = OrchestratorState.NEVER;
    Contact c = s.contact;
    if (channel == CommandChannel.PUSH) {
      if (!"OPTED_IN".equals(c.pushConsent)) {
        skip = "no-push-consent";
      } else if (c.pushToken == null) {
        skip = "no-push-token";
      } else if (s.lastPushAt != OrchestratorState.NEVER
          && now < s.lastPushAt + policy.pushFrequencyCap.toMillis()) {
        skip = "push-frequency-cap";
        lastSent = s.lastPushAt;
        capEnds = s.lastPushAt + policy.pushFrequencyCap.toMillis();
      }
    } else {
      if (!"OPTED_IN".equals(c.emailConsent)) {
        skip = "no-email-consent";
      } else if (c.email == null) {
        skip = "no-email-address";
      } else if (s.lastEmailAt != OrchestratorState.NEVER
          && now < s.lastEmailAt + policy.emailFrequencyCap.toMillis()) {
        skip = "email-frequency-cap";
        lastSent = s.lastEmailAt;
        capEnds = s.lastEmailAt + policy.emailFrequencyCap.toMillis();
      }
    }
    if (skip != null) {
      skipped.inc(skip);
      Audit audit =
          audit(customer, j, now, Outcome.SKIPPED).reason(skip).step(stepNo, channel, null);
      if (capEnds != OrchestratorState.NEVER) {
        // The cap policy is to skip the step rather than defer it past the cap, because a reminder
        // sent hours after it was due is stale. The follow-up of a skipped push is still planned.
        audit
            .fact("cap_policy", "skip")
            .time("last_sent_at", lastSent)
            .time("cap_ends_at", capEnds);
      }
      out.collect(audit.build());
    } else {
      EngagementCommand cmd = command(customer, j, stepNo, channel, now, c, zone);
      commands.inc(channel.name());
      decisionToSend.update(now - j.decidedAt);
      if (channel == CommandChannel.PUSH) {
        s.lastPushAt = now;
        ctx.output(PUSH, cmd);
      } else {
        s.lastEmailAt = now;
        ctx.output(EMAIL, cmd);
      }
      Audit sent =
          audit(customer, j, now, Outcome.SENT)
              .step(stepNo, channel, cmd.getCommandId())
              .fact("template", cmd.getTemplate())
              .fact("cart_lines", j.cart.size());
      if (j.cartChangedAt != 0) {
        sent.time("cart_changed_at", j.cartChangedAt);
      }
      out.collect(sent.build());
    }
    if (stepNo == 1 && channel == CommandChannel.PUSH) {
      long planned = now + policy.followUpDelay.toMillis();
      j.nextStep = 2;
      j.nextDueAt = quiet.nextAllowed(Instant.ofEpochMilli(planned), zone).toEpochMilli();
      ctx.timerService().registerEventTimeTimer(j.nextDueAt);
      if (j.nextDueAt > planned) {
        out.collect(
            audit(customer, j, now, Outcome.DEFERRED)
                .reason("quiet-hours")
                .step(2, CommandChannel.EMAIL, null)
                .time("planned_at", planned)
                .time("deliver_after", j.nextDueAt)
                .fact("time_zone", zone.getId())
                .fact("local_deliver_after", local(j.nextDueAt, zone))
                .build());
      }
    } else {
      j.nextStep = 0;
      j.active = false;
      inFlight.add(-1);
    }
  }

  private EngagementCommand command(
      String customer,
      JourneyRecord j,
      int step,
      CommandChannel channel,
      long deliverAfter,
      Contact c,
      ZoneId zone) {
    List<Item> items = new ArrayList<>();
    double value = 0;
    String currency = null;
    for (CartItem i : j.cart) {
      items.add(
          Item.newBuilder()
              .setSku(i.sku)
              .setName(i.name)
              .setPrice(i.price)
              .setCurrency(i.currency)
              .setQuantity(i.quantity)
              .setImageUrl(i.imageUrl)
              .setProductUrl(i.productUrl)
              .build());
      if (i.price != null) {
        value += i.price * i.quantity;
      }
      if (currency == null) {
        currency = i.currency;
      }
    }
    List<Product> viewed = new ArrayList<>();
    for (CartItem v : j.viewed) {
      viewed.add(
          Product.newBuilder()
              .setSku(v.sku)
              .setName(v.name)
              .setPrice(v.price)
              .setCurrency(v.currency)
              .setImageUrl(v.imageUrl)
              .setProductUrl(v.productUrl)
              .build());
    }
    String template =
        step == 2
            ? policy.followUpTemplate
            : channel == CommandChannel.PUSH ? policy.pushTemplate : policy.emailTemplate;
    return EngagementCommand.newBuilder()
        .setCommandId(Ids.commandId(customer, j.journeyId, step))
        .setCustomerId(customer)
        .setChannel(channel)
        .setRecipient(channel == CommandChannel.PUSH ? c.pushToken : c.email)
        .setTemplate(template)
        .setDeliverAfter(Instant.ofEpochMilli(deliverAfter))
        .setExpiresAt(Instant.ofEpochMilli(deliverAfter).plus(policy.commandExpiry))
        .setJourneyId(j.journeyId)
        .setStep(step)
        .setItems(items)
        .setCartValue(Math.round(value * 100) / 100.0)
        .setCurrency(currency)
        .setFirstName(c.firstName)
        .setLocale(c.locale)
        .setTimeZone(zone.getId())
        .setRecentlyViewed(viewed)
        .build();
  }

  // ------------------------------------------------------------------ helpers

  /** Drops journeys that can neither send nor convert any more. */
  private void prune(OrchestratorState s, long now) {
    long window = policy.attributionWindow.toMillis();
    Iterator<JourneyRecord> it = s.journeys.iterator();
    while (it.hasNext()) {
      JourneyRecord j = it.next();
      if (!j.active && (j.converted || now > j.firstTouchAt + window)) {
        it.remove();
      }
    }
  }

  private ZoneId zone(Contact c) {
    try {
      return c.timeZone == null ? policy.defaultTimeZone : ZoneId.of(c.timeZone);
    } catch (RuntimeException e) {
      return policy.defaultTimeZone;
    }
  }

  /** Formats the local date and time with offset, such as 2026-03-08T08:00-04:00, for the audit. */
  private static String local(long epochMillis, ZoneId zone) {
    return Instant.ofEpochMilli(epochMillis).atZone(zone).toOffsetDateTime().toString();
  }

  private static Audit audit(String customer, JourneyRecord j, long at, Outcome outcome) {
    return Audit.of(customer, at, outcome).journey(j.journeyId, j.episodeStartedAt);
  }
}
