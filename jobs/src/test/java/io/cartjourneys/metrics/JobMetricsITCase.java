package io.cartjourneys.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayProgress;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.model.SourceKind;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the ananya story at parallelism 2 on a local cluster with an in-memory metric reporter
 * and checks the job's counters, gauges and histograms, summed over subtasks, against the story.
 */
class JobMetricsITCase {
  private static final String CONTACTS = "Identity: emails and phones";
  private static final String COOKIES = "Identity: web cookies";
  private static final String DEVICES = "Identity: mobile devices";

  @TempDir static Path out;
  private static InMemoryReporter reporter;

  @BeforeAll
  static void replayTheStory() throws Exception {
    String run = UUID.randomUUID().toString();
    Configuration flink = new Configuration();
    flink.setString("metrics.reporter.mem.factory.class", InMemoryReporter.Factory.class.getName());
    flink.setString("metrics.reporter.mem.run", run);
    JobConfig config = JobConfig.load(null);
    config.runtime.parallelism = 2;
    ReplayRunner.run(config, ananya(), out, ReplayProgress.NONE, flink);
    reporter = InMemoryReporter.forRun(run);
  }

  static ReplayInput ananya() throws Exception {
    Path dir = Path.of(JobMetricsITCase.class.getResource("/scenarios/ananya").toURI());
    return new ReplayInput()
        .with(SourceKind.PROFILES, dir.resolve("profiles.jsonl"))
        .with(SourceKind.LINKS, dir.resolve("links.jsonl"))
        .with(SourceKind.EVENTS, dir.resolve("events.jsonl"));
  }

  @Test
  void onePushAndOneEmail() {
    assertThat(reporter.count(JobMetric.COMMANDS_EMITTED, "push")).isEqualTo(1);
    assertThat(reporter.count(JobMetric.COMMANDS_EMITTED, "email")).isEqualTo(1);
    assertThat(reporter.count(JobMetric.COMMANDS_EMITTED)).isEqualTo(2);
  }

  @Test
  void oneJourneyEnteredAndNoneSuppressed() {
    assertThat(reporter.count(JobMetric.ABANDONMENTS_DETECTED)).isEqualTo(1);
    assertThat(reporter.count(JobMetric.JOURNEYS_ENTERED)).isEqualTo(1);
    assertThat(reporter.count(JobMetric.CANDIDATES_SUPPRESSED)).isZero();
    assertThat(reporter.count(JobMetric.JOURNEYS_EXITED)).isZero();
    assertThat(reporter.count(JobMetric.STEPS_SKIPPED)).isZero();
    assertThat(reporter.count(JobMetric.CONVERSIONS)).isZero();
  }

  @Test
  void noDeadLettersAndEveryInputCounted() {
    assertThat(reporter.count(JobMetric.DEAD_LETTERS)).isZero();
    assertThat(reporter.find(JobMetric.DEAD_LETTERS, InMemoryReporter.ANY)).isEmpty();
    assertThat(reporter.count(JobMetric.RECORDS_IN, "events")).isEqualTo(6);
    assertThat(reporter.count(JobMetric.RECORDS_IN, "links")).isEqualTo(1);
    assertThat(reporter.count(JobMetric.RECORDS_IN, "profiles")).isEqualTo(1);
    assertThat(reporter.count(JobMetric.RECORDS_IN, "feedback")).isZero();
    assertThat(reporter.count(JobMetric.RECORDS_IN)).isEqualTo(8);
  }

  @Test
  void anonymousHistoryHeldAndReleased() {
    // Her CRM profile points its email and phone at k-1001; the hand-off link points the cookie
    // at the device; the app login points the device at k-1001.
    assertThat(reporter.countIn(CONTACTS, JobMetric.LINKS_MADE)).isEqualTo(2);
    assertThat(reporter.countIn(COOKIES, JobMetric.LINKS_MADE)).isEqualTo(1);
    assertThat(reporter.countIn(DEVICES, JobMetric.LINKS_MADE)).isEqualTo(1);
    // Four anonymous web events wait for the cookie's owner, the anonymous app open for the
    // device's owner.
    assertThat(reporter.countIn(COOKIES, JobMetric.RECORDS_HELD)).isEqualTo(4);
    assertThat(reporter.countIn(DEVICES, JobMetric.RECORDS_HELD)).isEqualTo(1);
    assertThat(reporter.count(JobMetric.RECORDS_HELD)).isEqualTo(5);
    assertThat(reporter.count(JobMetric.RECORDS_RELEASED)).isEqualTo(5);
    assertThat(reporter.count(JobMetric.HELD_RECORDS_DROPPED)).isZero();
    assertThat(reporter.gaugeSum(JobMetric.HELD_RECORDS)).isZero();
  }

  @Test
  void decisionsCountedByOutcome() {
    assertThat(reporter.count(JobMetric.DECISIONS, "entered", "none")).isEqualTo(1);
    assertThat(reporter.count(JobMetric.DECISIONS, "sent", "none")).isEqualTo(2);
    assertThat(reporter.count(JobMetric.DECISIONS, "deferred", "quiet-hours")).isEqualTo(1);
  }

  @Test
  void journeyFinishedAndDelaysRecorded() {
    assertThat(reporter.gaugeSum(JobMetric.JOURNEYS_IN_FLIGHT)).isZero();
    assertThat(reporter.histogramCount(JobMetric.DECISION_TO_SEND_DELAY)).isEqualTo(2);
    assertThat(reporter.histogramCount(JobMetric.EVENT_TIME_LAG)).isEqualTo(6);
  }

  @Test
  void everyJobMetricIsRegistered() {
    for (JobMetric m : JobMetric.values()) {
      assertThat(reporter.find(m)).as("registrations of %s", m).isNotEmpty();
    }
  }
}
