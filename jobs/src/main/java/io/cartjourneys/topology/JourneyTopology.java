package io.cartjourneys.topology;

import io.cartjourneys.avro.Decision;
import io.cartjourneys.config.Durations;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.decide.JourneyEvent;
import io.cartjourneys.decide.PersonDecider;
import io.cartjourneys.detect.AbandonmentDetection;
import io.cartjourneys.identity.DedupeFunction;
import io.cartjourneys.identity.IdentifierRules;
import io.cartjourneys.identity.LinkLimits;
import io.cartjourneys.identity.OwnerStage;
import io.cartjourneys.identity.ProfileContacts;
import io.cartjourneys.identity.SanitizeFunction;
import io.cartjourneys.ingest.IngestFunction;
import io.cartjourneys.ingest.InputWatermarks;
import io.cartjourneys.metrics.DecisionMetrics;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import io.cartjourneys.orchestrate.JourneyOrchestrator;
import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The one definition of the job graph. Every mode builds it with its own input stream and sinks:
 *
 * <pre>
 * raw records -> ingest -> sanitize -> dedupe -> identity: contacts -> per-person limits
 *   -> identity: cookies -> identity: devices -> decide -> orchestrate
 * with abandonment detection (CEP) branching off after dedupe and joining at the contacts stage,
 * and CRM profiles passing a per-customer stage (identity: profiles) on their way to it.
 * </pre>
 */
public final class JourneyTopology {
  /** Uids of the stateful operators whose state the inspect-savepoint command reads. */
  public static final String IDENTITY_PROFILES_UID = "identity-profiles";

  public static final String IDENTITY_COOKIES_UID = "identity-cookies";

  public static final String IDENTITY_DEVICES_UID = "identity-devices";
  public static final String DECIDE_UID = "decide";
  public static final String ORCHESTRATE_UID = "orchestrate";

  private JourneyTopology() {}

  /**
   * Builds the graph.
   *
   * @param raw input records in arrival order, without timestamps; event time is taken from the
   *     record (see {@link InputWatermarks}). For deterministic replays the input should come from
   *     one task, so that the ingest stage sees one sequence of records and watermarks.
   */
  public static void build(JobConfig config, DataStream<RawRecord> raw, JourneySinks sinks) {
    Duration lag = config.time.watermarkLag;
    // Same parallelism as the input, so that each input task has exactly one watermark
    // generator and ingest sees one sequence of records and watermarks per input task.
    DataStream<RawRecord> timedRaw =
        raw.assignTimestampsAndWatermarks(
                InputWatermarks.strategy(
                    lag,
                    config.time.followWallClockWhenIdle ? config.time.idleTimeout : null,
                    config.time.maxJump))
            .setParallelism(raw.getParallelism())
            .uid("event-time")
            .name("Event time: watermark trails by " + Durations.format(lag));
    buildTimed(config, timedRaw, sinks);
  }

  /**
   * Builds the graph over input that already carries event-time timestamps and watermarks. The
   * Kafka sources track watermarks per partition. An assigner after the merged input would replace
   * them, and then a topic read ahead of another would make the other topic's records late.
   */
  public static void buildTimed(
      JobConfig config, DataStream<RawRecord> timedRaw, JourneySinks sinks) {
    SingleOutputStreamOperator<Signal> timed =
        timedRaw.process(new IngestFunction()).uid("ingest").name("Ingest: decode and validate");
    sinks.deadLetters(timed.getSideOutput(IngestFunction.DEAD_LETTERS));

    SingleOutputStreamOperator<Signal> sanitized =
        timed
            .process(
                new SanitizeFunction(
                    new IdentifierRules(
                        config.identity.blockList, config.identity.defaultPhoneRegion),
                    config.identity.maxEmailsPerPerson,
                    config.identity.maxPhonesPerPerson))
            .uid("identity-sanitize")
            .name("Identity: drop unusable identifiers");

    DataStream<Signal> deduped =
        sanitized
            .keyBy(DedupeFunction::key)
            .process(new DedupeFunction(config.journey.recencyLimit))
            .uid("dedupe")
            .name("Dedupe: event and link ids");

    DataStream<Signal> candidates =
        AbandonmentDetection.candidates(deduped, config.journey.inactivity);

    // Profiles alone go through the per-customer stage that remembers their emails and phones.
    DataStream<Signal> profiles =
        deduped
            .filter(s -> s.kind == Signal.Kind.PROFILE)
            .uid("identity-profile-filter")
            .name("Identity: CRM profiles")
            .keyBy(ProfileContacts::key)
            .process(new ProfileContacts())
            .uid(IDENTITY_PROFILES_UID)
            .name("Identity: emails and phones per profile");
    DataStream<Signal> others =
        deduped
            .filter(s -> s.kind != Signal.Kind.PROFILE)
            .uid("identity-other-filter")
            .name("Identity: events, links and feedback");

    int limit = config.identity.anonymousBufferLimit;
    long ttl = config.identity.anonymousBufferTtl.toMillis();
    long retention = config.identity.anonymousRetention.toMillis();
    SingleOutputStreamOperator<Signal> byContact =
        others
            .union(profiles, candidates)
            .keyBy(s -> OwnerStage.key(OwnerStage.Level.CONTACT, s))
            .process(new OwnerStage(OwnerStage.Level.CONTACT, limit, ttl, retention))
            .uid("identity-contacts")
            .name("Identity: emails and phones");
    SingleOutputStreamOperator<Signal> limited =
        byContact
            .keyBy(LinkLimits::key)
            .process(
                new LinkLimits(
                    config.identity.maxDevicesPerPerson,
                    config.identity.maxCookiesPerPerson,
                    config.identity.limitWindow))
            .uid("identity-limits")
            .name("Identity: per-person link limits");
    SingleOutputStreamOperator<Signal> byCookie =
        limited
            .keyBy(s -> OwnerStage.key(OwnerStage.Level.COOKIE, s))
            .process(new OwnerStage(OwnerStage.Level.COOKIE, limit, ttl, retention))
            .uid(IDENTITY_COOKIES_UID)
            .name("Identity: web cookies");
    SingleOutputStreamOperator<Signal> byDevice =
        byCookie
            .keyBy(s -> OwnerStage.key(OwnerStage.Level.DEVICE, s))
            .process(new OwnerStage(OwnerStage.Level.DEVICE, limit, ttl, retention))
            .uid(IDENTITY_DEVICES_UID)
            .name("Identity: mobile devices");

    DataStream<Signal> owned =
        byDevice
            .filter(
                s ->
                    s.resolvedCustomer != null
                        && s.kind != Signal.Kind.LINK
                        && s.contactKey == null)
            .uid("identity-owned")
            .name("Identity: records with a known customer");

    SingleOutputStreamOperator<JourneyEvent> decided =
        owned
            .keyBy(s -> s.resolvedCustomer)
            .process(new PersonDecider(config.journey, config.identity.anonymousRetention))
            .uid(DECIDE_UID)
            .name("Decide: cart episodes per person");

    SingleOutputStreamOperator<Decision> orchestrated =
        decided
            .keyBy(e -> e.customerId)
            .process(new JourneyOrchestrator(config.journey))
            .uid(ORCHESTRATE_UID)
            .name("Orchestrate: timed journey steps");

    sinks.push(orchestrated.getSideOutput(JourneyOrchestrator.PUSH));
    sinks.email(orchestrated.getSideOutput(JourneyOrchestrator.EMAIL));
    sinks.conversions(orchestrated.getSideOutput(JourneyOrchestrator.CONVERSIONS));
    // Every audit record passes one counting step, so decisions by outcome are measured in one
    // place whatever stage made them.
    DataStream<Decision> decisions =
        orchestrated
            .union(
                decided.getSideOutput(PersonDecider.DECISIONS),
                timed.getSideOutput(IngestFunction.AUDIT),
                sanitized.getSideOutput(SanitizeFunction.AUDIT),
                byContact.getSideOutput(OwnerStage.AUDIT),
                limited.getSideOutput(LinkLimits.AUDIT),
                byCookie.getSideOutput(OwnerStage.AUDIT),
                byDevice.getSideOutput(OwnerStage.AUDIT))
            .map(new DecisionMetrics())
            .uid("decision-metrics")
            .name("Metrics: decisions by outcome");
    sinks.decisions(decisions);
  }
}
