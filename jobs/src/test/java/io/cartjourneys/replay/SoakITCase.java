package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.TestDirs;
import io.cartjourneys.cli.JobEnvironment;
import io.cartjourneys.avro.Conversion;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.metrics.InMemoryReporter;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import io.cartjourneys.topology.JourneySinks;
import io.cartjourneys.topology.JourneyTopology;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * A steady generated stream through the real job graph on a local cluster, checkpointed every 4 s:
 * each visit uses a web cookie or device seen once and never again, a third of them log in as one
 * of 100 customers, some buy. The test samples the size of each completed checkpoint, per task and
 * in all, and the heap after a full GC. It checks that they level off: the samples of the last
 * quarter of the run stay within a margin of those of its second quarter. By then every retention
 * period of the job has passed in event time.
 *
 * <p>The run lasts {@code soak.seconds} (180 in the default build; {@code -Psoak} runs 1800). Each
 * record advances event time by 20 s at 1,000 records per wall-clock second, so 180 s cover about
 * 42 days of traffic. The cookie and device retention and the link-limit window are set to 2 days
 * of event time, about 9 s of the run, and the re-entry cooldown to 1 day. All of them have passed
 * by the second quarter of a 3-minute run.
 *
 * <p>Customers come back every 0.5 s of the run, so the per-customer caps fill early: push tokens
 * from 20 devices within about 30 s, five kept journeys within about 25 s. With fewer visits per
 * customer, the caps would still be filling in the second quarter, which looks like a leak.
 */
class SoakITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RATE = 1_000;
  private static final int CUSTOMERS = 100;
  private static final long STEP_MILLIS = 20_000;
  private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  /**
   * One sample: seconds since start, completed checkpoint size in bytes, the same by task name, and
   * the heap used after GC in bytes.
   */
  record Sample(long second, long checkpointBytes, Map<String, Long> taskBytes, long heapBytes) {
    @Override
    public String toString() {
      return second + "s: " + checkpointBytes + " B, heap " + heapBytes + " B";
    }
  }

  @Test
  void stateAndHeapLevelOff() throws Exception {
    int seconds = Integer.getInteger("soak.seconds", 180);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path checkpoints = TestDirs.create("soak-checkpoints");
    Configuration conf = JobEnvironment.loopbackOnly(new Configuration());
    conf.set(RestOptions.BIND_PORT, Integer.toString(port));
    conf.set(RestOptions.PORT, port);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(4));
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    String run = UUID.randomUUID().toString();
    conf.setString("metrics.reporter.mem.factory.class", InMemoryReporter.Factory.class.getName());
    conf.setString("metrics.reporter.mem.run", run);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    JobConfig config = JobConfig.load(null);
    config.runtime.parallelism = 2;
    config.identity.anonymousRetention = Duration.ofDays(2);
    config.identity.limitWindow = Duration.ofDays(2);
    config.journey.reentryCooldown = Duration.ofDays(1);
    env.setParallelism(2);

    DataStream<RawRecord> raw =
        env.fromSource(
                new DataGeneratorSource<>(
                    new Traffic(),
                    Long.MAX_VALUE,
                    RateLimiterStrategy.perSecond(RATE),
                    TypeInformation.of(RawRecord.class)),
                WatermarkStrategy.noWatermarks(),
                "Soak traffic")
            .setParallelism(1)
            .uid("soak-source");
    JourneyTopology.build(config, raw, new DiscardingSinks());
    JobClient job = env.executeAsync("cart-journeys soak");

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port + "/jobs/" + job.getJobID();
    List<Sample> samples = new ArrayList<>();
    Map<String, String> taskNames = null;
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    long lastCheckpoint = -1;
    try {
      while (System.nanoTime() < end) {
        Thread.sleep(2_000);
        JobStatus status = job.getJobStatus().get();
        if (status != JobStatus.RUNNING) {
          JsonNode exceptions = get(http, base + "/exceptions");
          assertThat(status)
              .as("job status; exceptions: %s", exceptions)
              .isEqualTo(JobStatus.RUNNING);
        }
        JsonNode latest = get(http, base + "/checkpoints").path("latest").path("completed");
        if (latest.isMissingNode()
            || latest.isNull()
            || latest.path("id").asLong() == lastCheckpoint) {
          continue;
        }
        lastCheckpoint = latest.path("id").asLong();
        if (taskNames == null) {
          taskNames = taskNames(http, base);
        }
        Map<String, Long> byTask = stateByTask(http, base, taskNames, lastCheckpoint);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long second = (System.nanoTime() - start) / 1_000_000_000L;
        samples.add(new Sample(second, latest.path("state_size").asLong(), byTask, heap));
      }
    } finally {
      job.cancel().get();
    }
    System.out.println("Soak samples: " + samples);
    if (!samples.isEmpty()) {
      System.out.println(
          "Soak state by task at the last checkpoint: " + samples.get(samples.size() - 1).taskBytes());
    }
    InMemoryReporter metrics = InMemoryReporter.forRun(run);
    long recordsIn = metrics.count(JobMetric.RECORDS_IN);
    long deadLetters = metrics.count(JobMetric.DEAD_LETTERS);
    long heldExpired = metrics.count(JobMetric.HELD_RECORDS_DROPPED, "expired");
    long ownersForgotten = metrics.count(JobMetric.OWNERS_FORGOTTEN);
    long commands = metrics.count(JobMetric.COMMANDS_EMITTED);
    System.out.printf(
        "Soak counts: %d records in, %d dead letters, %d held records expired, %d owners"
            + " forgotten, %d commands%n",
        recordsIn, deadLetters, heldExpired, ownersForgotten, commands);

    assertThat(samples).as("completed checkpoints sampled").hasSizeGreaterThanOrEqualTo(8);
    List<Sample> second = quarter(samples, 1);
    List<Sample> last = quarter(samples, 3);
    long stateBefore = max(second, Sample::checkpointBytes);
    long stateAfter = max(last, Sample::checkpointBytes);
    Set<String> tasks = samples.get(samples.size() - 1).taskBytes().keySet();
    for (String task : tasks) {
      System.out.printf(
          "Soak task state, largest in the second and last quarter: %d B, %d B: %s%n",
          max(second, x -> x.taskBytes().getOrDefault(task, 0L)),
          max(last, x -> x.taskBytes().getOrDefault(task, 0L)),
          task);
    }
    for (String task : tasks) {
      long taskBefore = max(second, x -> x.taskBytes().getOrDefault(task, 0L));
      long taskAfter = max(last, x -> x.taskBytes().getOrDefault(task, 0L));
      assertThat(taskAfter)
          .as("checkpointed state of task '%s' in the last quarter against the second", task)
          .isLessThanOrEqualTo(taskBefore * 12 / 10 + 32_000);
    }
    assertThat(stateAfter)
        .as("checkpoint size in the last quarter against the second quarter (%s)", samples)
        .isLessThanOrEqualTo(stateBefore * 11 / 10 + 100_000);
    long heapBefore = max(second, Sample::heapBytes);
    long heapAfter = max(last, Sample::heapBytes);
    assertThat(heapAfter)
        .as("heap after GC in the last quarter against the second quarter")
        .isLessThanOrEqualTo(heapBefore * 3 / 2 + 64_000_000);

    assertThat(recordsIn).as("records through the job").isGreaterThan(RATE / 3L * seconds);
    assertThat(deadLetters).as("dead letters").isPositive();
    assertThat(heldExpired).as("held records expired").isPositive();
    assertThat(ownersForgotten).as("owners forgotten").isPositive();
    assertThat(commands).as("commands").isPositive();
  }

  /** The samples of one quarter (0 to 3) of the run, by time. */
  private static List<Sample> quarter(List<Sample> samples, int q) {
    long last = samples.get(samples.size() - 1).second();
    return samples.stream()
        .filter(s -> s.second() * 4 >= last * q && s.second() * 4 <= last * (q + 1))
        .toList();
  }

  private static long max(List<Sample> samples, java.util.function.ToLongFunction<Sample> f) {
    return samples.stream().mapToLong(f).max().orElseThrow();
  }

  private static JsonNode get(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return JSON.readTree(r.body());
  }

  /** Names of the job's tasks (chained operators), by vertex id. */
  private static Map<String, String> taskNames(HttpClient http, String base) throws Exception {
    Map<String, String> names = new TreeMap<>();
    for (JsonNode v : get(http, base).path("vertices")) {
      names.put(v.path("id").asText(), v.path("name").asText());
    }
    return names;
  }

  /** Checkpointed bytes per task of one checkpoint, by task name. */
  private static Map<String, Long> stateByTask(
      HttpClient http, String base, Map<String, String> names, long checkpoint) throws Exception {
    Map<String, Long> sizes = new TreeMap<>();
    JsonNode tasks = get(http, base + "/checkpoints/details/" + checkpoint).path("tasks");
    tasks
        .fieldNames()
        .forEachRemaining(
            id ->
                sizes.put(names.getOrDefault(id, id), tasks.path(id).path("state_size").asLong()));
    return sizes;
  }

  /**
   * Maps a record index to a record, with no state: visit {@code i / 5} does five things on a
   * cookie (or, every fourth visit, a device) that no other visit uses.
   */
  static final class Traffic implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public RawRecord map(Long index) {
      long i = index;
      long visit = i / 5;
      int step = (int) (i % 5);
      String at = Instant.ofEpochMilli(T0 + i * STEP_MILLIS).toString();
      String customer = "k-" + (visit % CUSTOMERS);
      boolean app = visit % 4 == 0;
      String ids =
          app
              ? "\"channel\":\"MOBILE_APP\",\"device_id\":\"d-" + visit + "\""
              : "\"channel\":\"WEB\",\"anonymous_id\":\"c-" + visit + "\"";
      String item = ",\"items\":[{\"sku\":\"SKU-" + (visit % 40) + "\",\"price\":10.0}]";
      String json;
      SourceKind kind = SourceKind.EVENTS;
      if (step == 0 && visit % 5 == 0) {
        kind = SourceKind.PROFILES;
        json =
            "{\"customer_id\":\""
                + customer
                + "\",\"emails\":[\""
                + customer
                + "@soak.example\"],"
                + "\"time_zone\":\"UTC\",\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
                + "\"updated_at\":\""
                + at
                + "\"}";
      } else if (step == 1) {
        json = event(i, "ADD_TO_CART", at, ids + item);
      } else if (step == 2 && visit % 3 == 0) {
        json =
            event(
                i,
                "LOGIN",
                at,
                ids
                    + ",\"customer_id\":\""
                    + customer
                    + "\","
                    + "\"authenticated\":true"
                    + (app ? ",\"push_token\":\"tok-" + customer + "\"" : ""));
      } else if (step == 3 && visit % 7 == 0) {
        json =
            event(
                i,
                "PURCHASE",
                at,
                ids
                    + ",\"customer_id\":\""
                    + customer
                    + "\","
                    + "\"authenticated\":true,\"order_id\":\"o-"
                    + visit
                    + "\"");
      } else if (step == 3 && visit % 101 == 0) {
        json = "{\"event_id\":\"broken-" + i;
      } else if (step == 4 && visit % 11 == 0 && !app) {
        kind = SourceKind.LINKS;
        json =
            "{\"link_id\":\"l-"
                + i
                + "\",\"occurred_at\":\""
                + at
                + "\",\"authenticated\":true,"
                + "\"identifiers\":{\"anonymous_id\":\"c-"
                + visit
                + "\",\"device_id\":\"d-x"
                + visit
                + "\"}}";
      } else {
        json = event(i, "PRODUCT_VIEW", at, ids + item);
      }
      return new RawRecord(kind, json.getBytes(StandardCharsets.UTF_8), i);
    }

    private static String event(long i, String type, String at, String fields) {
      return "{\"event_id\":\"e-"
          + i
          + "\",\"event_type\":\""
          + type
          + "\",\"occurred_at\":\""
          + at
          + "\","
          + fields
          + "}";
    }
  }

  /** Discards every output; the test reads the job's metrics instead. */
  static final class DiscardingSinks implements JourneySinks {
    @Override
    public void push(DataStream<EngagementCommand> commands) {
      commands.sinkTo(new DiscardingSink<>()).name("Push commands (discarded)");
    }

    @Override
    public void email(DataStream<EngagementCommand> commands) {
      commands.sinkTo(new DiscardingSink<>()).name("Email commands (discarded)");
    }

    @Override
    public void decisions(DataStream<Decision> decisions) {
      decisions.sinkTo(new DiscardingSink<>()).name("Decisions (discarded)");
    }

    @Override
    public void conversions(DataStream<Conversion> conversions) {
      conversions.sinkTo(new DiscardingSink<>()).name("Conversions (discarded)");
    }

    @Override
    public void deadLetters(DataStream<DeadLetter> deadLetters) {
      deadLetters.sinkTo(new DiscardingSink<>()).name("Dead letters (discarded)");
    }
  }
}
