package io.cartjourneys.io.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode running inside this JVM, for the demo and the tests.
 *
 * <p>The node is both broker and controller, listens on 127.0.0.1 only, on two free ports, and
 * keeps its logs in a temporary directory that {@link #close()} deletes. Internal topics use
 * replication factor 1 and retention is unlimited, so records with old timestamps (a replayed
 * evening) are not deleted while a demo runs. Production jobs use an external cluster.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
  private static final String HOST = "127.0.0.1";

  /** Another process can take a probed port before the broker binds it, so start again. */
  private static final int START_ATTEMPTS = 3;

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private boolean closed;

  private LocalKafka(Path dir, KafkaRaftServer server, String bootstrapServers) {
    this.dir = dir;
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Formats storage in a new temporary directory, starts the broker and waits until it accepts
   * admin requests.
   *
   * @throws IOException if the broker did not start after {@value #START_ATTEMPTS} attempts
   */
  public static LocalKafka start() throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      Path dir = Files.createTempDirectory("cart-journeys-kafka-");
      try {
        return startIn(dir);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Local Kafka start attempt {} of {} failed", attempt, START_ATTEMPTS, e);
        deleteRecursively(dir);
        last = e instanceof IOException io ? io : new IOException(e);
      }
    }
    throw new IOException("Local Kafka did not start after " + START_ATTEMPTS + " attempts", last);
  }

  private static LocalKafka startIn(Path dir) throws IOException {
    long started = System.nanoTime();
    int brokerPort = freePort();
    int controllerPort = freePort();
    Properties props = brokerProperties(dir, brokerPort, controllerPort);
    Path propsFile = dir.resolve("server.properties");
    try (var out = Files.newOutputStream(propsFile)) {
      props.store(out, "cart-journeys local Kafka");
    }
    format(propsFile);

    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    String bootstrap = HOST + ":" + brokerPort;
    LocalKafka kafka = new LocalKafka(dir, server, bootstrap);
    try {
      server.startup();
      kafka.awaitReady();
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
    LOG.info(
        "Local Kafka started at {} in {} ms",
        bootstrap,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return kafka;
  }

  private static Properties brokerProperties(Path dir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    // One node: every internal topic has a single replica. Fewer partitions than the defaults
    // (50 each) make the broker start faster.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Retention counts from record timestamps, and the demo writes timestamps of a past evening.
    p.put("log.retention.ms", "-1");
    return p;
  }

  /** Runs the storage tool's format command, as {@code kafka-storage.sh format --standalone}. */
  private static void format(Path propsFile) throws IOException {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      exitCode =
          StorageTool.execute(
              new String[] {
                "format",
                "--cluster-id",
                Uuid.randomUuid().toString(),
                "--config",
                propsFile.toString(),
                "--standalone"
              },
              print);
    }
    String text = output.toString(StandardCharsets.UTF_8).trim();
    if (exitCode != 0) {
      throw new IOException(
          "Formatting Kafka storage failed with exit code " + exitCode + ": " + text);
    }
    LOG.debug("Kafka storage tool: {}", text);
  }

  private void awaitReady() throws IOException {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("Local Kafka at " + bootstrapServers + " did not become ready", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while waiting for local Kafka", e);
    }
  }

  /** Returns the {@code bootstrap.servers} value for clients, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates topics and waits until they exist.
   *
   * @param partitionsByTopic number of partitions of each new topic
   */
  public void createTopics(Map<String, Integer> partitionsByTopic) throws IOException {
    List<NewTopic> topics = new ArrayList<>();
    partitionsByTopic.forEach(
        (name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)));
    try (Admin admin = admin()) {
      admin.createTopics(topics).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("Creating topics " + partitionsByTopic.keySet() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while creating topics", e);
    }
    LOG.info("Created topics {}", partitionsByTopic);
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    return Admin.create(p);
  }

  /** Stops the broker and deletes its directory. Calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.shutdown();
      server.awaitShutdown();
      LOG.info("Local Kafka at {} stopped", bootstrapServers);
    } finally {
      deleteRecursively(dir);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete local Kafka directory {}", root, e);
    }
  }
}
