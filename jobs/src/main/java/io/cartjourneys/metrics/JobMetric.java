package io.cartjourneys.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Every metric the job registers, in the operator metric group {@value #GROUP}. This enum is the
 * one list of names: {@link StageMetrics} registers only these, the metrics table in
 * docs/observability.md is generated from it, and tests check that the Grafana dashboard and the
 * Prometheus alert rules query only these names and {@link #FLINK_METRICS}.
 *
 * <p>A counter with labels is registered twice: once without labels (the total, registered when the
 * operator opens, so that rate() has a zero sample before the first event) and once per label value
 * in a Flink key-value group (one Prometheus series per value). Label values are fixed codes such
 * as reasons and channels, never identifiers or personal data.
 */
public enum JobMetric {
  RECORDS_IN(Kind.COUNTER, "recordsIn", "ingest", "records", "Input records received.", "source"),
  DEAD_LETTERS(
      Kind.COUNTER,
      "deadLetters",
      "ingest",
      "records",
      "Records that could not be processed at all and went to the dead-letter output.",
      "reason"),
  VALUES_REPAIRED(
      Kind.COUNTER,
      "valuesRepaired",
      "ingest",
      "values",
      "Optional values that ingest dropped, lowered or cleared in records it still processed,"
          + " such as an overlong name or a NaN price. Each reason and field of a record is also"
          + " a decision audit record.",
      "reason"),
  IDENTIFIERS_REJECTED(
      Kind.COUNTER,
      "identifiersRejected",
      "identity-sanitize",
      "identifiers",
      "Identifiers dropped from records: unusable values (placeholder, all-zero, blocked,"
          + " malformed) and profile emails or phones over the per-person limit. The rest of each"
          + " record is processed, except a profile whose own customer id is unusable, which is"
          + " dropped whole.",
      "reason"),
  FEEDBACK_UNATTRIBUTED(
      Kind.COUNTER,
      "feedbackUnattributed",
      "identity-sanitize",
      "records",
      "Delivery feedback whose command id names no customer."),
  DUPLICATES_DROPPED(
      Kind.COUNTER,
      "duplicatesDropped",
      "dedupe",
      "records",
      "Events and links whose id was already seen within the recency limit."),
  ABANDONMENTS_DETECTED(
      Kind.COUNTER,
      "abandonmentsDetected",
      "detect-abandonment, detect-late-candidates",
      "candidates",
      "Cart changes followed by no cart activity for the inactivity period (CEP matches), and"
          + " cart changes that arrived late and became candidates directly."),
  LINKS_MADE(
      Kind.COUNTER,
      "linksMade",
      "identity-contacts, identity-cookies, identity-devices",
      "links",
      "Anonymous identifiers given a new owner by an authenticated record."),
  LINKS_REJECTED(
      Kind.COUNTER,
      "linksRejected",
      "identity-contacts, identity-cookies, identity-devices, identity-limits",
      "links",
      "Links rejected: unauthenticated link records, emails or phones that another customer"
          + " owns, and devices or cookies over the per-person limit.",
      "reason"),
  LINKS_MOVED(
      Kind.COUNTER,
      "linksMoved",
      "identity-contacts, identity-cookies, identity-devices",
      "links",
      "Identifiers taken from one customer: a cookie or device that authenticated as someone"
          + " else or was linked to a device, and an email or phone handed to the next profile"
          + " that lists it.",
      "reason"),
  LINKS_ERASED(
      Kind.COUNTER,
      "linksErased",
      "identity-contacts, identity-cookies, identity-devices, identity-limits",
      "links",
      "Links of erased customers removed: emails, phones, cookies and devices that pointed at"
          + " them, and identifiers dropped from their later records."),
  RECORDS_HELD(
      Kind.COUNTER,
      "recordsHeld",
      "identity-contacts, identity-cookies, identity-devices",
      "records",
      "Anonymous records buffered because their identifier had no owner yet."),
  RECORDS_RELEASED(
      Kind.COUNTER,
      "recordsReleased",
      "identity-contacts, identity-cookies, identity-devices",
      "records",
      "Buffered records re-attributed to an owner when a link arrived."),
  HELD_RECORDS_DROPPED(
      Kind.COUNTER,
      "heldRecordsDropped",
      "identity-contacts, identity-cookies, identity-devices",
      "records",
      "Anonymous records dropped: buffered ones over the per-identifier limit or older than the"
          + " TTL, and late ones from a time whose owner was erased or is no longer remembered.",
      "reason"),
  OWNERS_FORGOTTEN(
      Kind.COUNTER,
      "ownersForgotten",
      "identity-cookies, identity-devices",
      "identifiers",
      "Cookies and devices whose owner was dropped because no record used them for"
          + " identity.anonymous-retention."),
  HELD_RECORDS(
      Kind.GAUGE,
      "heldRecords",
      "identity-contacts, identity-cookies, identity-devices",
      "records",
      "Records currently buffered in this subtask; sum over subtasks for the stage."),
  LATE_RECORDS_APPLIED(
      Kind.COUNTER,
      "lateRecordsApplied",
      "decide",
      "records",
      "Records that reached the decide stage behind its watermark and were applied at once."),
  JOURNEYS_ENTERED(
      Kind.COUNTER,
      "journeysEntered",
      "decide",
      "journeys",
      "Abandoned carts that entered a journey, holdout included."),
  CANDIDATES_SUPPRESSED(
      Kind.COUNTER,
      "candidatesSuppressed",
      "decide",
      "candidates",
      "Abandonment candidates that did not enter a journey.",
      "reason"),
  WATERMARK_LAG(
      Kind.GAUGE,
      "watermarkLag",
      "decide",
      "milliseconds",
      "Wall-clock time minus the decide stage's watermark as of its last record or timer; it"
          + " grows while the stage receives nothing."),
  EVENT_TIME_LAG(
      Kind.HISTOGRAM,
      "eventTimeLag",
      "decide",
      "milliseconds",
      "Age of each behaviour event when it reaches the decide stage: wall-clock time minus the"
          + " event's occurred_at. Meaningful in live mode only."),
  COMMANDS_EMITTED(
      Kind.COUNTER,
      "commandsEmitted",
      "orchestrate",
      "commands",
      "Push and email commands emitted.",
      "channel"),
  STEPS_SKIPPED(
      Kind.COUNTER,
      "stepsSkipped",
      "orchestrate",
      "steps",
      "Journey steps not sent because of consent, a missing address or a frequency cap.",
      "reason"),
  JOURNEYS_EXITED(
      Kind.COUNTER,
      "journeysExited",
      "orchestrate",
      "journeys",
      "Journeys ended before their last step.",
      "reason"),
  JOURNEYS_IN_FLIGHT(
      Kind.GAUGE,
      "journeysInFlight",
      "orchestrate",
      "journeys",
      "Journeys in this subtask with a step still to send, holdout excluded; sum over subtasks."),
  CONVERSIONS(
      Kind.COUNTER,
      "conversions",
      "orchestrate",
      "purchases",
      "Purchases within the attribution window after a first touch, holdout included."),
  DECISION_TO_SEND_DELAY(
      Kind.HISTOGRAM,
      "decisionToSendDelay",
      "orchestrate",
      "milliseconds",
      "Event time from a journey's decision to each command's deliver_after: first-touch delay,"
          + " quiet-hours deferral and, for step 2, the follow-up delay."),
  DECISIONS(
      Kind.COUNTER,
      "decisions",
      "decision-metrics",
      "records",
      "Decision audit records by outcome and reason (reason none when the outcome has none).",
      "outcome",
      "reason");

  /** The operator metric group every metric of the job is registered in. */
  public static final String GROUP = "cartjourneys";

  /** Prefix of operator metrics in Flink's Prometheus reporter (logical scope, underscores). */
  public static final String PROMETHEUS_OPERATOR_PREFIX = "flink_taskmanager_job_task_operator_";

  /**
   * Flink's own metrics that the dashboard and the alert rules use, as the Prometheus reporter
   * names them (Flink 2.2).
   */
  public static final List<String> FLINK_METRICS =
      List.of(
          "flink_taskmanager_job_task_operator_numRecordsInPerSecond",
          "flink_taskmanager_job_task_operator_numRecordsOutPerSecond",
          "flink_taskmanager_job_task_operator_currentInputWatermark",
          "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
          "flink_taskmanager_job_task_busyTimeMsPerSecond",
          "flink_jobmanager_job_lastCheckpointDuration",
          "flink_jobmanager_job_lastCheckpointSize",
          "flink_jobmanager_job_numberOfFailedCheckpoints",
          "flink_jobmanager_job_numRestarts",
          "flink_jobmanager_job_uptime");

  /** Flink metric types used by the job. */
  public enum Kind {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  private final Kind kind;
  private final String metricName;
  private final String stages;
  private final String unit;
  private final String description;
  private final List<String> labels;

  JobMetric(
      Kind kind,
      String metricName,
      String stages,
      String unit,
      String description,
      String... labels) {
    this.kind = kind;
    this.metricName = metricName;
    this.stages = stages;
    this.unit = unit;
    this.description = description;
    this.labels = List.of(labels);
  }

  public Kind kind() {
    return kind;
  }

  /** Returns the name inside the {@value #GROUP} group, such as {@code deadLetters}. */
  public String metricName() {
    return metricName;
  }

  /** Returns the uids of the operators that register the metric. */
  public String stages() {
    return stages;
  }

  public String unit() {
    return unit;
  }

  public String description() {
    return description;
  }

  /** Label keys of the per-value series, outermost first; empty for a plain metric. */
  public List<String> labels() {
    return labels;
  }

  /** Returns the Prometheus name of the metric without labels (a counter's total). */
  public String prometheusName() {
    return PROMETHEUS_OPERATOR_PREFIX + GROUP + "_" + metricName;
  }

  /** Returns the Prometheus name of the per-label-value series, or null for a plain metric. */
  public String prometheusLabelledName() {
    if (labels.isEmpty()) {
      return null;
    }
    return PROMETHEUS_OPERATOR_PREFIX + GROUP + "_" + String.join("_", labels) + "_" + metricName;
  }

  /** Lists every Prometheus name the job's own metrics appear under. */
  public static List<String> prometheusNames() {
    List<String> names = new ArrayList<>();
    for (JobMetric m : values()) {
      names.add(m.prometheusName());
      if (m.prometheusLabelledName() != null) {
        names.add(m.prometheusLabelledName());
      }
    }
    return names;
  }
}
