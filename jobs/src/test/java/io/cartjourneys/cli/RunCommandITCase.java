package io.cartjourneys.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.demo.CommittedOutputReader;
import io.cartjourneys.demo.InputPublisher;
import io.cartjourneys.demo.InputRecord;
import io.cartjourneys.demo.StoryInputs;
import io.cartjourneys.io.kafka.KafkaTestConfig;
import io.cartjourneys.io.kafka.LocalKafka;
import io.cartjourneys.model.SourceKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production job as {@code run} builds it, unbounded, against a real broker: output becomes
 * visible to read_committed consumers at checkpoints while the job keeps running, and due steps
 * fire while no input arrives.
 */
class RunCommandITCase {
  // Alone the idle case takes seconds; in the full suite on a busy two-core machine the idle
  // timeout, checkpoints and job start can add minutes.
  private static final Duration VISIBLE_TIMEOUT = Duration.ofMinutes(4);

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(JobEnvironment.loopbackOnly(new Configuration()))
              .build());

  private static LocalKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = LocalKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void liveJobCommitsOutputWhileRunning() throws Exception {
    JobConfig config = KafkaTestConfig.create(kafka, "live-dead-letters");
    // Profiles, links and feedback stay empty, and their watermarks must follow the wall clock
    // soon so that they do not hold the job back.
    config.time.idleTimeout = Duration.ofSeconds(2);

    JobClient job = start(config);
    try (CommittedOutputReader reader =
        new CommittedOutputReader(config.kafka, List.of(config.kafka.deadLettersTopic))) {
      List<String> reasons = new ArrayList<>();

      InputPublisher.publish(config.kafka, List.of(event("{\"event_id\":\"x\"")));
      awaitDeadLetters(reader, reasons, List.of("invalid-json"));

      // Records written after the first checkpoint are read and committed by the same job.
      InputPublisher.publish(config.kafka, List.of(event("{\"event_id\":\"y\"}")));
      awaitDeadLetters(reader, reasons, List.of("invalid-json", "missing-event-type"));

      assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The story's steps lie months behind the wall clock. Once the input is idle, the watermark
   * follows the wall clock, so the live job sends both steps without any further input.
   */
  @Test
  void idleLiveJobSendsDueSteps() throws Exception {
    JobConfig config = KafkaTestConfig.create(kafka, "live-story");
    config.time.idleTimeout = Duration.ofSeconds(2);
    InputPublisher.publish(config.kafka, StoryInputs.load(StoryInputs.ANANYA));

    JobClient job = start(config);
    try (CommittedOutputReader reader =
        new CommittedOutputReader(
            config.kafka, List.of(config.kafka.pushTopic, config.kafka.emailTopic))) {
      List<EngagementCommand> commands = new ArrayList<>();
      await()
          .atMost(VISIBLE_TIMEOUT)
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
                  commands.add(EngagementCommand.getDecoder().decode(r.value()));
                }
                return commands.size() >= 2;
              });

      assertThat(commands)
          .extracting(c -> c.getChannel() + " " + c.getCustomerId() + " step " + c.getStep())
          .containsExactlyInAnyOrder("PUSH k-1001 step 1", "EMAIL k-1001 step 2");
      assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
    } finally {
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }

  private static JobClient start(JobConfig config) throws Exception {
    config.validate();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    RunCommand.build(env, config, Boundedness.CONTINUOUS_UNBOUNDED);
    return env.executeAsync("run command " + config.kafka.groupId);
  }

  private static void awaitDeadLetters(
      CommittedOutputReader reader, List<String> reasons, List<String> expected) {
    await()
        .atMost(VISIBLE_TIMEOUT)
        .pollDelay(Duration.ZERO)
        .until(
            () -> {
              for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
                reasons.add(DeadLetter.getDecoder().decode(r.value()).getReason());
              }
              return reasons.size() >= expected.size();
            });
    assertThat(reasons).containsExactlyElementsOf(expected);
  }

  private static InputRecord event(String json) {
    return new InputRecord(
        SourceKind.EVENTS, null, Instant.now(), json.getBytes(StandardCharsets.UTF_8));
  }
}
