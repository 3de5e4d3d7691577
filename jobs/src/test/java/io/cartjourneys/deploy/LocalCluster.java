package io.cartjourneys.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the scripts in deploy/local for a test: a Kafka broker JVM and a standalone Flink cluster
 * (JobManager and TaskManager JVMs) on free loopback ports, with their files in a directory of
 * the test's own. Every script runs with a time limit, and its output goes to a log file there.
 */
final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);

  /** deploy/local, seen from the jobs module, where Maven runs the tests. */
  static final Path SCRIPTS = Path.of("..", "deploy", "local").toAbsolutePath().normalize();

  private final Path dir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String restUrl;
  final int kafkaPort;

  LocalCluster(Path dir) throws IOException {
    this.dir = dir;
    kafkaPort = freePort();
    int restPort = freePort();
    env.put("CART_JOURNEYS_LOCAL_DIR", dir.toString());
    env.put("CART_JOURNEYS_REST_PORT", Integer.toString(restPort));
    env.put("CART_JOURNEYS_RPC_PORT", Integer.toString(freePort()));
    env.put("CART_JOURNEYS_KAFKA_PORT", Integer.toString(kafkaPort));
    env.put("CART_JOURNEYS_KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));
    env.put("CART_JOURNEYS_START_TIMEOUT", "180");
    restUrl = "http://127.0.0.1:" + restPort;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** Runs a script of deploy/local and returns what it printed on stdout, trimmed. */
  String run(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(SCRIPTS.resolve(script).toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, script + "-", ".out");
    Path err = dir.resolve("scripts.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
    builder.environment().putAll(env);
    long started = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(script + " timed out after " + SCRIPT_TIMEOUT + "; see " + err);
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8).trim();
    LOG.info(
        "{} {} took {} ms",
        script,
        String.join(" ", args),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    if (process.exitValue() != 0) {
      throw new IOException(
          script + " failed with exit code " + process.exitValue() + ":\n" + tail(err));
    }
    return stdout;
  }

  /** GETs a path of the Flink REST API and returns the body. */
  String get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(restUrl + path)).timeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " returned " + response.statusCode());
    }
    return response.body();
  }

  /** Stops every process the scripts started for this directory; failures are only logged. */
  @Override
  public void close() {
    for (String script : List.of("stop-cluster.sh", "stop-kafka.sh")) {
      try {
        run(script);
      } catch (IOException | InterruptedException e) {
        LOG.warn("{} failed", script, e);
      }
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
