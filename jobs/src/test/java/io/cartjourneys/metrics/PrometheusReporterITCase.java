package io.cartjourneys.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cartjourneys.RepositoryFiles;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.RecordIterable;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayProgress;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a short replay with Flink's Prometheus reporter code, configured by the shipped
 * deploy/prometheus/flink-conf-metrics.yaml but on a free 127.0.0.1 port, and scrapes {@code
 * /metrics} while the job is still running (a finished job's metrics are unregistered): the input
 * holds back its last record until the scrape is done.
 */
class PrometheusReporterITCase {
  private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(60);
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  /** Prometheus label values have '-' replaced by '_'. */
  private static final String DEAD_LETTER_SERIES = "reason=\"invalid_json\"";

  @TempDir Path dir;

  @Test
  void scrapeShowsTheJobsMetrics() throws Exception {
    int port = freeLoopbackPort();
    Configuration flink = shippedReporterSettings();
    flink.setString(
        "metrics.reporter.prom.factory.class", LoopbackPrometheusReporter.Factory.class.getName());
    flink.setString("metrics.reporter.prom.port", Integer.toString(port));
    JobConfig config = JobConfig.load(null);
    config.runtime.parallelism = 2;

    ExecutorService runner = Executors.newSingleThreadExecutor();
    String scrape;
    try {
      Future<?> replay =
          runner.submit(
              () -> {
                ReplayRunner.run(
                    config,
                    new HeldBackInput(input()),
                    dir.resolve("out"),
                    ReplayProgress.NONE,
                    flink);
                return null;
              });
      try {
        // The broken first record's dead-letter series shows that records are flowing; every
        // operator has registered its metrics by then.
        scrape = scrapeUntil(port, DEAD_LETTER_SERIES, replay);
      } finally {
        RELEASE.countDown();
      }
      replay.get(60, TimeUnit.SECONDS);
    } finally {
      runner.shutdownNow();
    }

    List<String> missing = new ArrayList<>();
    for (JobMetric m : JobMetric.values()) {
      if (!scrape.contains(m.prometheusName())) {
        missing.add(m.prometheusName());
      }
    }
    for (JobMetric m :
        List.of(
            JobMetric.RECORDS_IN,
            JobMetric.DEAD_LETTERS,
            JobMetric.COMMANDS_EMITTED,
            JobMetric.LINKS_REJECTED,
            JobMetric.HELD_RECORDS_DROPPED)) {
      if (!scrape.contains(m.prometheusLabelledName())) {
        missing.add(m.prometheusLabelledName());
      }
    }
    for (String name : JobMetric.FLINK_METRICS) {
      if (!scrape.contains(name)) {
        missing.add(name);
      }
    }
    assertThat(missing).as("metric names missing from the scrape").isEmpty();
    assertThat(scrape)
        .contains(JobMetric.COMMANDS_EMITTED.prometheusLabelledName() + "{")
        .contains("channel=\"push\"")
        .contains(JobMetric.EVENT_TIME_LAG.prometheusName() + "_count");
    assertThat(scrape)
        .as("labels excluded by the shipped settings")
        .doesNotContain("task_attempt_id");
  }

  /** Reads the settings of deploy/prometheus/flink-conf-metrics.yaml as the cluster would. */
  private static Configuration shippedReporterSettings() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode file =
        yaml.readTree(
            RepositoryFiles.resolve("deploy/prometheus/flink-conf-metrics.yaml").toFile());
    Configuration flink = new Configuration();
    file.fields().forEachRemaining(e -> flink.setString(e.getKey(), e.getValue().asText()));
    return flink;
  }

  /**
   * Returns the ananya story with one undecodable event first, so that a dead-letter series exists.
   */
  private ReplayInput input() throws Exception {
    Path scenario = Path.of(getClass().getResource("/scenarios/ananya").toURI());
    Path events = dir.resolve("events.jsonl");
    List<String> lines = new ArrayList<>();
    lines.add("{\"event_id\": \"broken\"");
    lines.addAll(Files.readAllLines(scenario.resolve("events.jsonl")));
    Files.write(events, lines);
    return new ReplayInput()
        .with(SourceKind.PROFILES, scenario.resolve("profiles.jsonl"))
        .with(SourceKind.LINKS, scenario.resolve("links.jsonl"))
        .with(SourceKind.EVENTS, events);
  }

  private static String scrapeUntil(int port, String name, Future<?> replay) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + SCRAPE_TIMEOUT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (replay.isDone()) {
        replay.get(); // surfaces the replay's failure
        throw new AssertionError("replay ended before the scrape");
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        last = response.body();
        if (response.statusCode() == 200 && last.contains(name)) {
          return last;
        }
      } catch (IOException e) {
        // the reporter is not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no " + name + " in /metrics within " + SCRAPE_TIMEOUT + "; last scrape:\n" + last);
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The wrapped input, with its last record held back until the test releases it. */
  static final class HeldBackInput implements RecordIterable {
    private static final long serialVersionUID = 1L;
    private final RecordIterable input;

    HeldBackInput(RecordIterable input) {
      this.input = input;
    }

    @Override
    public long count() throws IOException {
      return input.count();
    }

    @Override
    public CloseableIterator open() throws IOException {
      CloseableIterator inner = input.open();
      return new CloseableIterator() {
        @Override
        public boolean hasNext() {
          return inner.hasNext();
        }

        @Override
        public RawRecord next() {
          RawRecord r = inner.next();
          if (!inner.hasNext()) {
            awaitRelease();
          }
          return r;
        }

        @Override
        public void close() throws IOException {
          inner.close();
        }
      };
    }

    private static void awaitRelease() {
      try {
        if (!RELEASE.await(SCRAPE_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the last record");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
