package io.cartjourneys.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.avro.CommandChannel;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.Outcome;
import io.cartjourneys.cli.CartJourneysCli;
import io.cartjourneys.io.kafka.LocalKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Explains a customer from a decisions topic on a real broker: Avro single-object encoded
 * decisions over two partitions, written out of time order, with a record that is not a decision,
 * a tombstone and an aborted transaction among them.
 */
class ExplainKafkaITCase {
  private static final String TOPIC = "cj.decisions";
  private static final String JOURNEY = "j-a3c5415361f3a979f1a5";
  private static final Instant DECIDED = Instant.parse("2026-03-14T16:11:00Z");
  private static final Instant MORNING = Instant.parse("2026-03-15T02:30:00Z");

  private static LocalKafka kafka;

  @BeforeAll
  static void publishDecisions() throws Exception {
    kafka = LocalKafka.start();
    kafka.createTopics(Map.of(TOPIC, 2));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "explain-test");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      producer.beginTransaction();
      // Out of time order: the topic keeps arrival order, explain sorts by time.
      send(producer, 0, decision(MORNING, Outcome.SENT, null, 2, CommandChannel.EMAIL));
      send(
          producer, 0, decision(DECIDED, Outcome.DEFERRED, "quiet-hours", 2, CommandChannel.EMAIL));
      send(producer, 1, decision(DECIDED, Outcome.SENT, null, 1, CommandChannel.PUSH));
      send(producer, 1, decision(DECIDED, Outcome.ENTERED, null, null, null));
      send(producer, 1, suppressedOther());
      producer.send(new ProducerRecord<>(TOPIC, 0, key("k-1001"), "not avro".getBytes()));
      producer.send(new ProducerRecord<>(TOPIC, 1, key("k-1001"), null));
      producer.commitTransaction();

      producer.beginTransaction();
      send(producer, 0, decision(MORNING, Outcome.EXITED, "purchased", null, null));
      producer.flush();
      producer.abortTransaction();
    }
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void topicTimelineIsInTimeOrder() {
    Run run = explain("--customer", "k-1001", "--decisions", TOPIC);

    assertThat(run.code).as("exit code; stderr: %s", run.err).isZero();
    assertThat(run.out.lines().filter(l -> l.startsWith("2026-")).toList())
        .containsExactly(
            "2026-03-14T16:11:00Z  ENTERED",
            "2026-03-14T16:11:00Z  SENT step 1 PUSH",
            "2026-03-14T16:11:00Z  DEFERRED quiet-hours step 2 EMAIL",
            "2026-03-15T02:30:00Z  SENT step 2 EMAIL");
    assertThat(run.out).startsWith("customer k-1001: 4 decisions, 1 journey");
    assertThat(run.out).doesNotContain("EXITED");
    assertThat(run.err).contains("skipped 2 records of topic " + TOPIC);
  }

  @Test
  void customerWithoutDecisionsExitsWithOne() {
    Run run = explain("--customer", "k-none", "--decisions", TOPIC);

    assertThat(run.code).isEqualTo(1);
    assertThat(run.err)
        .contains("no decisions for customer k-none in topic " + TOPIC)
        .contains("(5 decisions read)");
  }

  @Test
  void missingTopicExitsWithTwo() {
    Run run =
        explain("--customer", "k-1001", "--decisions", "cj.no-such-topic", "--timeout", "20s");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("topic not found: cj.no-such-topic");
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, int partition, Decision d)
      throws Exception {
    ByteBuffer encoded = d.toByteBuffer();
    byte[] value = new byte[encoded.remaining()];
    encoded.get(value);
    producer.send(new ProducerRecord<>(TOPIC, partition, key(d.getCustomerId()), value));
  }

  private static byte[] key(String customer) {
    return customer.getBytes(StandardCharsets.UTF_8);
  }

  private static Decision decision(
      Instant at, Outcome outcome, String reason, Integer step, CommandChannel channel) {
    return Decision.newBuilder()
        .setDecisionId("d-" + outcome + "-" + step)
        .setCustomerId("k-1001")
        .setJourneyId(JOURNEY)
        .setEpisodeStartedAt(Instant.parse("2026-03-14T15:41:00Z"))
        .setDecidedAt(at)
        .setOutcome(outcome)
        .setReason(reason)
        .setStep(step)
        .setChannel(channel)
        .setFacts(Map.of())
        .build();
  }

  private static Decision suppressedOther() {
    return Decision.newBuilder()
        .setDecisionId("d-other")
        .setCustomerId("k-2002")
        .setDecidedAt(DECIDED)
        .setOutcome(Outcome.SUPPRESSED)
        .setReason("cooldown")
        .setFacts(Map.of())
        .build();
  }

  private record Run(int code, String out, String err) {}

  private Run explain(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] full = new String[args.length + 3];
    full[0] = "explain";
    full[1] = "--bootstrap-servers";
    full[2] = kafka.bootstrapServers();
    System.arraycopy(args, 0, full, 3, args.length);
    int code =
        new CommandLine(new CartJourneysCli())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(full);
    return new Run(code, out.toString(), err.toString());
  }
}
