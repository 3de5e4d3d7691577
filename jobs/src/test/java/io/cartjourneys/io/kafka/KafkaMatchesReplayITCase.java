package io.cartjourneys.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.cli.JobEnvironment;
import io.cartjourneys.cli.RunCommand;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.demo.CommittedOutputReader;
import io.cartjourneys.demo.Crowd;
import io.cartjourneys.demo.InputPublisher;
import io.cartjourneys.demo.InputRecord;
import io.cartjourneys.demo.StoryInputs;
import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.io.OutputJson;
import io.cartjourneys.io.replay.RecordIterable;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.io.replay.ReplaySinks;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same input through Kafka, read in parallel from two partitions per topic, and through the
 * file replay, which reads one merged sequence, must give the same commands. Per-partition
 * watermarks make the Kafka read order irrelevant, as long as each partition is in time order.
 */
class KafkaMatchesReplayITCase {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

  private static LocalKafka kafka;

  @TempDir Path dir;

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
  void crowdCommandsMatchReplay() throws Exception {
    List<InputRecord> inputs = new ArrayList<>(StoryInputs.load(StoryInputs.ANANYA));
    inputs.addAll(Crowd.generate(42, 30));
    // Record time, then the replay's tie order: profiles, links, events, feedback.
    inputs.sort(
        Comparator.comparing(InputRecord::timestamp).thenComparing(r -> r.source().ordinal()));

    JobConfig config = KafkaTestConfig.create(kafka, "match");
    InputPublisher.publish(config.kafka, inputs);
    List<String> viaKafka = commandsViaKafka(config);

    JobConfig replayConfig = new JobConfig();
    replayConfig.runtime.parallelism = 2;
    ReplayRunner.run(replayConfig, new InMemoryRecords(inputs), dir);
    List<String> viaReplay = new ArrayList<>(Files.readAllLines(dir.resolve(ReplaySinks.PUSH)));
    viaReplay.addAll(Files.readAllLines(dir.resolve(ReplaySinks.EMAIL)));
    viaReplay.sort(null);

    assertThat(viaReplay).hasSizeGreaterThan(10);
    assertThat(viaKafka).containsExactlyElementsOf(viaReplay);
  }

  private static List<String> commandsViaKafka(JobConfig config) throws Exception {
    // A local environment of its own, like the replay's: a test cluster context would make the
    // replay runner's local environment fail.
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(
            config.runtime.parallelism, JobEnvironment.loopbackOnly(new Configuration()));
    RunCommand.build(env, config, Boundedness.BOUNDED);
    JobClient job = env.executeAsync("kafka matches replay");
    try {
      job.getJobExecutionResult().get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      if (!job.getJobExecutionResult().isDone()) {
        job.cancel().get(30, TimeUnit.SECONDS);
      }
    }

    List<String> lines = new ArrayList<>();
    try (CommittedOutputReader reader =
        new CommittedOutputReader(
            config.kafka, List.of(config.kafka.pushTopic, config.kafka.emailTopic))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                List<ConsumerRecord<byte[], byte[]>> records = reader.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                  lines.add(OutputJson.command(EngagementCommand.getDecoder().decode(r.value())));
                }
                return records.isEmpty() && reader.caughtUp();
              });
    }
    lines.sort(null);
    return lines;
  }

  /** The inputs in the given order, as the replay source reads them. */
  private static final class InMemoryRecords implements RecordIterable {
    private static final long serialVersionUID = 1L;
    private final ArrayList<SourceKind> sources = new ArrayList<>();
    private final ArrayList<byte[]> payloads = new ArrayList<>();
    private final ArrayList<Long> times = new ArrayList<>();

    InMemoryRecords(List<InputRecord> records) {
      for (InputRecord r : records) {
        sources.add(r.source());
        payloads.add(r.payload());
        Long time = RecordDecoder.peekTime(r.source(), r.payload());
        times.add(time == null ? RawRecord.UNKNOWN_TIME : time);
      }
    }

    @Override
    public long count() {
      return payloads.size();
    }

    @Override
    public CloseableIterator open() {
      return new CloseableIterator() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < payloads.size();
        }

        @Override
        public RawRecord next() {
          RawRecord r = new RawRecord(sources.get(next), payloads.get(next), next);
          r.time = times.get(next);
          next++;
          return r;
        }

        @Override
        public void close() {}
      };
    }
  }
}
