package io.cartjourneys.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.avro.CommandChannel;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.avro.Item;
import io.cartjourneys.cli.JobEnvironment;
import io.cartjourneys.cli.RunCommand;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.demo.CommittedOutputReader;
import io.cartjourneys.demo.InputPublisher;
import io.cartjourneys.demo.InputRecord;
import io.cartjourneys.demo.StoryInputs;
import io.cartjourneys.model.SourceKind;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The real job graph between a real Kafka broker and a Flink mini cluster: the Ananya story and
 * malformed records go in as Kafka records, and the commands and dead letters are read back from
 * their topics the way a gateway reads them, with read_committed.
 */
class KafkaEndToEndITCase {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Instant MALFORMED_AT = Instant.parse("2026-03-14T15:50:00Z");

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
  void storyGivesPushThenEmail() throws Exception {
    JobConfig config = KafkaTestConfig.create(kafka, "story");
    InputPublisher.publish(config.kafka, StoryInputs.load(StoryInputs.ANANYA));

    runToEnd(config);

    Map<String, List<ConsumerRecord<byte[], byte[]>>> out = readCommitted(config.kafka);
    JsonNode expected = expectedStoryOutput();
    assertCommand(out.get(config.kafka.pushTopic), expected.get("push"), CommandChannel.PUSH);
    assertCommand(out.get(config.kafka.emailTopic), expected.get("email"), CommandChannel.EMAIL);
  }

  @Test
  void malformedRecordsOnEveryTopicBecomeDeadLetters() throws Exception {
    JobConfig config = KafkaTestConfig.create(kafka, "malformed");
    Map<InputRecord, String> malformed = malformedEvents();
    malformed.putAll(malformedOtherInputs());
    List<InputRecord> inputs = new ArrayList<>(StoryInputs.load(StoryInputs.ANANYA));
    inputs.addAll(malformed.keySet());
    InputPublisher.publish(config.kafka, inputs);

    runToEnd(config);

    Map<String, List<ConsumerRecord<byte[], byte[]>>> out = readCommitted(config.kafka);
    Map<String, ByteBuffer> expected = new LinkedHashMap<>();
    malformed.forEach(
        (record, reason) ->
            expected.put(
                record.source().label() + " " + reason, ByteBuffer.wrap(record.payload())));
    Map<String, ByteBuffer> actual = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : out.get(config.kafka.deadLettersTopic)) {
      DeadLetter letter = DeadLetter.getDecoder().decode(r.value());
      actual.put(letter.getSource() + " " + letter.getReason(), letter.getPayload());
    }
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    // Bad records do not stop the job: the story's commands still arrive.
    assertThat(out.get(config.kafka.pushTopic)).hasSize(1);
    assertThat(out.get(config.kafka.emailTopic)).hasSize(1);
  }

  /** Runs the graph over everything published so far, as the demo does, and waits for its end. */
  private static void runToEnd(JobConfig config) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    RunCommand.build(env, config, Boundedness.BOUNDED);
    JobClient job = env.executeAsync("kafka end-to-end " + config.kafka.groupId);
    try {
      job.getJobExecutionResult().get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } finally {
      if (!job.getJobExecutionResult().isDone()) {
        job.cancel().get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Reads every committed record of the command and dead-letter topics, by topic. */
  private static Map<String, List<ConsumerRecord<byte[], byte[]>>> readCommitted(
      JobConfig.Kafka k) {
    Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new LinkedHashMap<>();
    List<String> topics = List.of(k.pushTopic, k.emailTopic, k.deadLettersTopic);
    topics.forEach(t -> byTopic.put(t, new ArrayList<>()));
    try (CommittedOutputReader reader = new CommittedOutputReader(k, topics)) {
      await()
          .atMost(READ_TIMEOUT)
          .pollDelay(Duration.ZERO)
          .until(
              () -> {
                List<ConsumerRecord<byte[], byte[]>> records = reader.poll(Duration.ofMillis(500));
                records.forEach(r -> byTopic.get(r.topic()).add(r));
                return records.isEmpty() && reader.caughtUp();
              });
    }
    return byTopic;
  }

  private static void assertCommand(
      List<ConsumerRecord<byte[], byte[]>> records, JsonNode expectedList, CommandChannel channel)
      throws Exception {
    assertThat(records).hasSize(expectedList.size()).hasSize(1);
    JsonNode expected = expectedList.get(0);
    ConsumerRecord<byte[], byte[]> record = records.get(0);
    EngagementCommand command = EngagementCommand.getDecoder().decode(record.value());
    String customer = expected.get("customer_id").asText();
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(customer);
    assertThat(command.getChannel()).isEqualTo(channel);
    assertThat(command.getCustomerId()).isEqualTo(customer);
    assertThat(command.getRecipient()).isEqualTo(expected.get("recipient").asText());
    assertThat(command.getStep()).isEqualTo(expected.get("step").asInt());
    assertThat(command.getDeliverAfter())
        .isEqualTo(OffsetDateTime.parse(expected.get("deliver_after").asText()).toInstant());
    List<String> skus = new ArrayList<>();
    expected.get("skus").forEach(s -> skus.add(s.asText()));
    assertThat(command.getItems()).extracting(Item::getSku).containsExactlyElementsOf(skus);
  }

  private static JsonNode expectedStoryOutput() throws Exception {
    try (InputStream in =
        KafkaEndToEndITCase.class
            .getClassLoader()
            .getResourceAsStream(StoryInputs.ANANYA + "/expected.json")) {
      assertThat(in).as("expected.json of the story").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  /** Malformed records for the events topic, each with the dead-letter reason it must get. */
  private static Map<InputRecord, String> malformedEvents() {
    Map<InputRecord, String> records = new LinkedHashMap<>();
    records.put(event("{\"event_id\":\"bad-1\",\"event_type\":"), "invalid-json");
    records.put(
        new InputRecord(
            SourceKind.EVENTS,
            null,
            MALFORMED_AT,
            new byte[] {0x00, 0x13, 0x37, (byte) 0xC3, 0x01, 0x7F, (byte) 0xFF, 0x42}),
        "unrecognised-encoding");
    records.put(
        event(
            "{\"event_id\":\"bad-3\",\"occurred_at\":\"2026-03-14T21:20:00+05:30\","
                + "\"channel\":\"WEB\",\"anonymous_id\":\"c-bad-3\"}"),
        "missing-event-type");
    records.put(
        event(
            "{\"event_id\":\"bad-4\",\"event_type\":\"TELEPORT\","
                + "\"occurred_at\":\"2026-03-14T21:20:00+05:30\",\"anonymous_id\":\"c-bad-4\"}"),
        "unknown-event-type");
    return records;
  }

  /** Undecodable records for the profiles, links and feedback topics. */
  private static Map<InputRecord, String> malformedOtherInputs() {
    Map<InputRecord, String> records = new LinkedHashMap<>();
    for (SourceKind source : List.of(SourceKind.PROFILES, SourceKind.LINKS, SourceKind.FEEDBACK)) {
      records.put(
          new InputRecord(
              source, null, MALFORMED_AT, "{\"customer_id\":".getBytes(StandardCharsets.UTF_8)),
          "invalid-json");
      records.put(
          new InputRecord(
              source, null, MALFORMED_AT, new byte[] {0x00, 0x21, 0x07, (byte) 0xC3, 0x01, 0x02}),
          "unrecognised-encoding");
    }
    return records;
  }

  private static InputRecord event(String json) {
    return new InputRecord(
        SourceKind.EVENTS, null, MALFORMED_AT, json.getBytes(StandardCharsets.UTF_8));
  }
}
