package io.cartjourneys.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.demo.CommittedOutputReader;
import io.cartjourneys.demo.Crowd;
import io.cartjourneys.demo.InputPublisher;
import io.cartjourneys.demo.InputRecord;
import io.cartjourneys.demo.StoryInputs;
import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.io.replay.RecordIterable;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.io.replay.ReplaySinks;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once output on a real standalone cluster, started with the scripts in deploy/local: a
 * Kafka broker JVM, a JobManager JVM and a TaskManager JVM. The job reads the story and a crowd of
 * synthetic shoppers. Once the first commands are committed, the TaskManager JVM is killed with
 * SIGKILL and a new one is started, as a supervisor would. Then the job is stopped with a savepoint
 * and resumed from it. A read_committed consumer must see
 * every command that a file replay of the same records produces, each exactly once, and every dead
 * letter once.
 *
 * <p>All input is written before the job starts. The live job fires the last steps once its input
 * has been idle for {@code time.idle-timeout}, by letting the watermark follow the wall clock.
 * Input written after such a pause would be late and could be decided differently from the
 * replay.
 */
class TaskManagerFailureITCase {
  private static final Logger LOG = LoggerFactory.getLogger(TaskManagerFailureITCase.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PEOPLE = 2000;
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(3);

  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    // The ports are free when chosen but another process on the machine may take one before the
    // broker or the cluster binds it, so a failed start is tried once more on new ports.
    for (int attempt = 1; ; attempt++) {
      cluster = new LocalCluster(Files.createDirectories(dir.resolve("cluster-" + attempt)));
      try {
        cluster.run("start-kafka.sh");
        cluster.run("create-topics.sh", "2");
        cluster.run("start-cluster.sh");
        return;
      } catch (IOException e) {
        cluster.close();
        if (attempt == 2) {
          throw e;
        }
        LOG.warn("Starting the local cluster failed; trying again on other ports", e);
      }
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyCommandOnceAcrossCrashAndUpgrade() throws Exception {
    List<InputRecord> inputs = new ArrayList<>(StoryInputs.load(StoryInputs.ANANYA));
    inputs.addAll(Crowd.generate(7, PEOPLE));
    // The crowd's bad records are events; these cover the other input topics.
    Instant badAt = inputs.get(0).timestamp();
    for (SourceKind source : List.of(SourceKind.PROFILES, SourceKind.LINKS, SourceKind.FEEDBACK)) {
      inputs.add(
          new InputRecord(source, null, badAt, "{\"truncated\":".getBytes(StandardCharsets.UTF_8)));
    }
    // Record time, then the replay's tie order; each partition is then in time order.
    inputs.sort(
        Comparator.comparing(InputRecord::timestamp).thenComparing(r -> r.source().ordinal()));
    Expected expected = replay(inputs);
    LOG.info(
        "{} input records, {} expected commands, {} dead letters",
        inputs.size(),
        expected.commandIds.size(),
        expected.deadLetters.size());

    JobConfig config = new JobConfig();
    config.kafka.bootstrapServers = cluster.bootstrapServers();
    Path jobYaml = dir.resolve("job.yaml");
    Files.writeString(
        jobYaml,
        "kafka:\n"
            + "  bootstrap-servers: " + cluster.bootstrapServers() + "\n"
            // Longer than the default, so that a slow machine does not take a busy source for an
            // idle one.
            + "time:\n"
            + "  idle-timeout: " + IDLE_TIMEOUT.toSeconds() + "s\n"
            + "runtime:\n"
            + "  parallelism: 2\n"
            + "  checkpoint-interval: " + CHECKPOINT_INTERVAL.toSeconds() + "s\n");

    Outputs seen = new Outputs();
    List<String> outputTopics =
        List.of(config.kafka.pushTopic, config.kafka.emailTopic, config.kafka.deadLettersTopic);
    try (CommittedOutputReader reader = new CommittedOutputReader(config.kafka, outputTopics)) {
      InputPublisher.publish(config.kafka, inputs);
      String firstJob = cluster.run("submit.sh", jobYaml.toString());

      // Crash in the middle: output is committed and journeys are pending.
      seen.awaitFirstCommand(reader, config);
      String killed = cluster.run("taskmanager.sh", "kill");
      assertThat(killed.lines()).hasSize(1);
      long killedPid = Long.parseLong(killed);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(killedPid).map(p -> !p.isAlive()).orElse(true));
      LOG.info("Killed TaskManager pid {} after {} commands", killedPid, seen.commandCount());
      long restartedAt = System.currentTimeMillis();
      cluster.run("taskmanager.sh", "start");

      // An upgrade: stop with a savepoint once the restarted job has checkpointed, and resume.
      await()
          .atMost(OUTPUT_TIMEOUT)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> lastCheckpointAt(firstJob) > restartedAt);
      assertThat(exceptionHistory(firstJob)).as("failures of job %s", firstJob).isNotEmpty();
      String savepoint =
          cluster.run("savepoint.sh", "--stop", firstJob, dir.resolve("savepoints").toString());
      LOG.info("Stopped with savepoint {} after {} commands", savepoint, seen.commandCount());
      String secondJob = cluster.run("resume.sh", savepoint, jobYaml.toString());

      await()
          .atMost(OUTPUT_TIMEOUT)
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                seen.poll(reader, config);
                return seen.commandIds().containsAll(expected.commandIds) && reader.caughtUp();
              });
      // Duplicates would arrive with later checkpoints: read a few more.
      long until = System.nanoTime() + CHECKPOINT_INTERVAL.multipliedBy(3).toNanos();
      while (System.nanoTime() < until) {
        seen.poll(reader, config);
      }
      assertThat(jobState(secondJob)).isEqualTo("RUNNING");
    }

    assertThat(seen.commands.values()).as("copies of each command id").containsOnly(1);
    assertThat(seen.commandIds()).containsExactlyElementsOf(expected.commandIds);
    assertThat(seen.deadLetters).containsExactlyElementsOf(expected.deadLetters);
    assertThat(seen.deadLetters)
        .as("a bad record on every input topic")
        .contains("profiles invalid-json", "links invalid-json", "feedback invalid-json")
        .anyMatch(letter -> letter.startsWith("events "));
  }

  /** Commands and dead letters read so far. */
  private static final class Outputs {
    /** Copies seen per command id. */
    final Map<String, Integer> commands = new TreeMap<>();

    final List<String> deadLetters = new ArrayList<>();

    void poll(CommittedOutputReader reader, JobConfig config) throws IOException {
      for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(500))) {
        if (r.topic().equals(config.kafka.deadLettersTopic)) {
          DeadLetter letter = DeadLetter.getDecoder().decode(r.value());
          deadLetters.add(letter.getSource() + " " + letter.getReason());
          deadLetters.sort(null);
        } else {
          String id = EngagementCommand.getDecoder().decode(r.value()).getCommandId();
          commands.merge(id, 1, Integer::sum);
        }
      }
    }

    /** Waits until the first command has been committed. */
    void awaitFirstCommand(CommittedOutputReader reader, JobConfig config) {
      await()
          .atMost(OUTPUT_TIMEOUT)
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                poll(reader, config);
                return !commands.isEmpty();
              });
    }

    int commandCount() {
      return commands.values().stream().mapToInt(Integer::intValue).sum();
    }

    List<String> commandIds() {
      return new ArrayList<>(commands.keySet());
    }
  }

  /** What a file replay of the same records writes: sorted command ids and dead letters. */
  private record Expected(List<String> commandIds, List<String> deadLetters) {}

  private static Expected replay(List<InputRecord> inputs) throws Exception {
    Path out = dir.resolve("replay");
    JobConfig config = new JobConfig();
    config.runtime.parallelism = 2;
    ReplayRunner.run(config, new InMemoryRecords(inputs), out);
    List<String> ids = new ArrayList<>();
    for (String file : List.of(ReplaySinks.PUSH, ReplaySinks.EMAIL)) {
      for (String line : Files.readAllLines(out.resolve(file))) {
        ids.add(JSON.readTree(line).path("command_id").asText());
      }
    }
    ids.sort(null);
    List<String> deadLetters = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(ReplaySinks.DEAD_LETTERS))) {
      JsonNode letter = JSON.readTree(line);
      deadLetters.add(letter.path("source").asText() + " " + letter.path("reason").asText());
    }
    deadLetters.sort(null);
    return new Expected(ids, deadLetters);
  }

  private static List<JsonNode> exceptionHistory(String jobId) throws Exception {
    JsonNode entries =
        JSON.readTree(cluster.get("/jobs/" + jobId + "/exceptions"))
            .path("exceptionHistory")
            .path("entries");
    List<JsonNode> result = new ArrayList<>();
    entries.forEach(result::add);
    return result;
  }

  /** Returns when the job's latest completed checkpoint was acknowledged, epoch ms, or 0. */
  private static long lastCheckpointAt(String jobId) throws Exception {
    return JSON.readTree(cluster.get("/jobs/" + jobId + "/checkpoints"))
        .path("latest")
        .path("completed")
        .path("latest_ack_timestamp")
        .asLong(0);
  }

  private static String jobState(String jobId) throws Exception {
    return JSON.readTree(cluster.get("/jobs/" + jobId)).path("state").asText();
  }

  /** The inputs in list order, as the replay source reads them. */
  private static final class InMemoryRecords implements RecordIterable {
    private static final long serialVersionUID = 1L;
    private final ArrayList<SourceKind> sources = new ArrayList<>();
    private final ArrayList<byte[]> payloads = new ArrayList<>();

    InMemoryRecords(List<InputRecord> records) {
      for (InputRecord r : records) {
        sources.add(r.source());
        payloads.add(r.payload());
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
          Long time = RecordDecoder.peekTime(r.source, r.payload);
          r.time = time == null ? RawRecord.UNKNOWN_TIME : time;
          next++;
          return r;
        }

        @Override
        public void close() {}
      };
    }
  }
}
