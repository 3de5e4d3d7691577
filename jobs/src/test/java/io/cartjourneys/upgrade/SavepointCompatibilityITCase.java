package io.cartjourneys.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.model.Ids;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import io.cartjourneys.topology.JourneyTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoints carry every pending journey across a restart and an upgrade.
 *
 * <p>The input pauses after 11:00 on 2026-03-10 (UTC, profiles in UTC) with state in every kind of
 * operator:
 *
 * <ul>
 *   <li>k-alpha, an app user, abandoned a cart at 10:00: the push went out at 10:30 and the
 *       follow-up email is due at 14:30 (journey state and an orchestrator timer);
 *   <li>k-beta abandoned a cart at 10:50 whose 30 minutes of inactivity have not passed (CEP
 *       state);
 *   <li>the anonymous cookie c-gamma has a cart from 10:40 that no customer owns yet (identity
 *       state), until k-gamma signs in on it at 11:30.
 * </ul>
 *
 * <p>The job is stopped with a savepoint there and started again from it with the rest of the
 * input. The two halves together must produce exactly what one uninterrupted run produces: no
 * command lost, none repeated.
 *
 * <p>A savepoint taken by an earlier build is committed under {@code
 * src/test/resources/savepoints/journey-state}; restoring it with the current code must give the
 * same second half. When a change breaks state compatibility on purpose (a new state layout, a
 * removed operator), regenerate it and say so in the release notes, because running jobs cannot be
 * upgraded with a savepoint across that change:
 *
 * <pre>
 * ./mvnw -B verify -pl jobs -am -Dit.test=SavepointCompatibilityITCase \
 *   -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dsavepoint.regenerate=true
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SavepointCompatibilityITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DAY = "2026-03-10T";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** Committed savepoint, relative to the jobs module; Maven runs tests there. */
  private static final Path COMMITTED = Path.of("src/test/resources/savepoints/journey-state");

  private static final String COMMITTED_RESOURCE = "/savepoints/journey-state";

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(3)
              .setConfiguration(loopbackOnly())
              .build());

  private final PausableInput input = new PausableInput();
  /** Records before this index are the first half. */
  private int pauseAt;

  @BeforeAll
  void runJobs(@TempDir Path dir) throws Exception {
    buildInput();

    // The uninterrupted run pauses at the same point, so that both runs have processed the same
    // records when the rest arrives, and then goes on without a savepoint.
    JobClient straight =
        job("straight", input.sourcePausedAfter("straight", pauseAt), 2, null)
            .executeAsync("savepoint test: uninterrupted");
    awaitPauseWithAlphaTouched("straight");
    PausableInput.resume("straight");
    straight.getJobExecutionResult().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    JobClient first =
        job("first", input.sourcePausedAfter("first", pauseAt), 2, null)
            .executeAsync("savepoint test: first half");
    awaitPauseWithAlphaTouched("first");
    Path savepoint = stopWithSavepoint(first, dir);
    run(job("second", input.source("second"), 2, savepoint));

    if (Boolean.getBoolean("savepoint.regenerate")) {
      replaceCommittedSavepoint(savepoint);
    }
    // A different parallelism as well: restoring rescales the keyed state.
    run(job("committed", input.source("committed"), 3, committedSavepoint()));
  }

  private void buildInput() {
    profile("k-alpha");
    profile("k-beta");
    profile("k-gamma");
    profile("k-clock");
    event("a-login", "LOGIN", "09:50", "MOBILE_APP", null, "d-alpha", "k-alpha", "tok-alpha", null);
    event("a-cart", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-alpha", "k-alpha", null,
        "SKU-A");
    event("g-cart", "ADD_TO_CART", "10:40", "WEB", "c-gamma", null, null, null, "SKU-G");
    event("b-login", "LOGIN", "10:45", "MOBILE_APP", null, "d-beta", "k-beta", "tok-beta", null);
    event("b-cart", "ADD_TO_CART", "10:50", "MOBILE_APP", null, "d-beta", "k-beta", null, "SKU-B");
    // Moves the watermark past k-alpha's 10:30 decision but not past k-beta's 11:20.
    event("clock-1", "PRODUCT_VIEW", "11:00", "WEB", null, null, "k-clock", null, "SKU-V");
    pauseAt = input.size();

    event("g-login", "LOGIN", "11:30", "WEB", "c-gamma", null, "k-gamma", null, null);
    event("clock-2", "PRODUCT_VIEW", "11:31", "WEB", null, null, "k-clock", null, "SKU-V");
    // k-alpha's cart delivered a second time: the restored dedupe state must drop it.
    event("a-cart", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-alpha", "k-alpha", null,
        "SKU-A");
    event("clock-3", "PRODUCT_VIEW", "16:00", "WEB", null, null, "k-clock", null, "SKU-V");
  }

  @Test
  void uninterruptedRunHasEveryJourney() {
    assertThat(commands("straight"))
        .containsExactlyInAnyOrder(
            command("k-alpha", "10:00", 1, "PUSH"),
            command("k-alpha", "10:00", 2, "EMAIL"),
            command("k-beta", "10:50", 1, "PUSH"),
            command("k-beta", "10:50", 2, "EMAIL"),
            command("k-gamma", "10:40", 1, "EMAIL"));
  }

  @Test
  void firstHalfSendsOnlyAlphasPush() {
    assertThat(commands("first")).containsExactly(command("k-alpha", "10:00", 1, "PUSH"));
  }

  @Test
  void restoredJobSendsEveryPendingCommandOnce() {
    assertThat(commands("second"))
        .containsExactlyInAnyOrder(
            command("k-alpha", "10:00", 2, "EMAIL"),
            command("k-beta", "10:50", 1, "PUSH"),
            command("k-beta", "10:50", 2, "EMAIL"),
            command("k-gamma", "10:40", 1, "EMAIL"));
  }

  @Test
  void halvesTogetherEqualUninterruptedRun() {
    for (String output : CollectingSinks.OUTPUTS) {
      List<String> halves = new ArrayList<>(CollectingSinks.lines("first", output));
      halves.addAll(CollectingSinks.lines("second", output));
      halves.sort(Comparator.naturalOrder());
      assertThat(halves).as(output).isEqualTo(CollectingSinks.lines("straight", output));
    }
  }

  @Test
  void committedSavepointRestoresWithCurrentCode() {
    for (String output : CollectingSinks.OUTPUTS) {
      assertThat(CollectingSinks.lines("committed", output))
          .as(
              "%s after restoring %s; if state compatibility was broken on purpose, regenerate it"
                  + " as this test's documentation says",
              output,
              COMMITTED)
          .isEqualTo(CollectingSinks.lines("second", output));
    }
  }

  /** Builds the job graph over the given source, restoring from a savepoint if one is given. */
  private StreamExecutionEnvironment job(
      String run, DataGeneratorSource<RawRecord> source, int parallelism, Path savepoint) {
    Configuration conf = new Configuration();
    if (savepoint != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    JobConfig config = new JobConfig();
    config.runtime.parallelism = parallelism;
    DataStream<RawRecord> raw =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Test input")
            .setParallelism(1)
            .uid("savepoint-test-input")
            .name("Test input");
    JourneyTopology.build(config, raw, new CollectingSinks(run));
    return env;
  }

  private static void run(StreamExecutionEnvironment env) throws Exception {
    env.executeAsync("savepoint test")
        .getJobExecutionResult()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Waits until a run has read the first half and sent k-alpha's push. */
  private void awaitPauseWithAlphaTouched(String run) {
    String alphaPush = command("k-alpha", "10:00", 1, "PUSH");
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> PausableInput.emitted(run) == pauseAt && commands(run).contains(alphaPush));
  }

  /** Stops the job with a savepoint without draining, so that no pending timer fires. */
  private static Path stopWithSavepoint(JobClient job, Path dir) throws Exception {
    String location =
        job.stopWithSavepoint(
                false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    job.getJobExecutionResult().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return Path.of(java.net.URI.create(location));
  }

  private static Path committedSavepoint() throws URISyntaxException {
    URL metadata =
        SavepointCompatibilityITCase.class.getResource(COMMITTED_RESOURCE + "/_metadata");
    assertThat(metadata)
        .as("committed savepoint %s; create it with -Dsavepoint.regenerate=true", COMMITTED)
        .isNotNull();
    return Path.of(metadata.toURI()).getParent();
  }

  /**
   * Replaces the committed savepoint with a fresh one, both in the sources and in target/ so that
   * this run restores the new one.
   */
  private static void replaceCommittedSavepoint(Path savepoint) throws Exception {
    for (Path target : List.of(COMMITTED, Path.of("target/test-classes" + COMMITTED_RESOURCE))) {
      deleteRecursively(target);
      Files.createDirectories(target);
      try (Stream<Path> files = Files.list(savepoint)) {
        for (Path f : files.toList()) {
          Files.copy(f, target.resolve(f.getFileName()));
        }
      }
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Commands of a run as "customer step N CHANNEL id". */
  private static List<String> commands(String run) {
    List<String> result = new ArrayList<>();
    for (String output : List.of(CollectingSinks.PUSH, CollectingSinks.EMAIL)) {
      for (String line : CollectingSinks.lines(run, output)) {
        JsonNode c = read(line);
        result.add(
            c.path("customer_id").asText()
                + " step " + c.path("step").asInt()
                + " " + c.path("channel").asText()
                + " " + c.path("command_id").asText());
      }
    }
    return result;
  }

  /** Returns the expected command of a journey that started with the cart at {@code cartAt}. */
  private static String command(String customer, String cartAt, int step, String channel) {
    long started = Instant.parse(DAY + cartAt + ":00Z").toEpochMilli();
    return customer + " step " + step + " " + channel + " "
        + Ids.commandId(customer, Ids.journeyId(customer, started), step);
  }

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void profile(String customer) {
    input.add(
        SourceKind.PROFILES,
        "{\"customer_id\":\"" + customer + "\",\"emails\":[\"" + customer + "@example.com\"],"
            + "\"phones\":[],\"time_zone\":\"UTC\","
            + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
  }

  /** An event at {@code DAY + at}; null fields are left out, a customer means authenticated. */
  private void event(
      String id, String type, String at, String channel, String cookie, String device,
      String customer, String pushToken, String sku) {
    StringBuilder b = new StringBuilder("{");
    b.append("\"event_id\":\"").append(id).append("\",\"event_type\":\"").append(type)
        .append("\",\"occurred_at\":\"").append(DAY).append(at).append(":00Z\",\"channel\":\"")
        .append(channel).append("\",\"authenticated\":").append(customer != null);
    field(b, "anonymous_id", cookie);
    field(b, "device_id", device);
    field(b, "customer_id", customer);
    field(b, "push_token", pushToken);
    if (sku != null) {
      b.append(",\"items\":[{\"sku\":\"").append(sku)
          .append("\",\"name\":\"n\",\"price\":10.0,\"currency\":\"EUR\",\"quantity\":1}]");
    }
    input.add(SourceKind.EVENTS, b.append('}').toString());
  }

  private static void field(StringBuilder b, String name, String value) {
    if (value != null) {
      b.append(",\"").append(name).append("\":\"").append(value).append('"');
    }
  }

  private static Configuration loopbackOnly() {
    Configuration conf = new Configuration();
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
    conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    return conf;
  }
}
