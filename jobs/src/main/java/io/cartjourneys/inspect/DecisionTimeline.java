package io.cartjourneys.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.io.OutputJson;
import io.cartjourneys.io.replay.JsonLinesFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Collects everything the decisions stream records about one customer, from a decisions.jsonl
 * file of a replay or from a Kafka topic of Avro single-object encoded {@link Decision} records,
 * and prints it as a timeline.
 */
public final class DecisionTimeline {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  /** Facts wrap after this many characters, so that a line fits a 100-column terminal. */
  private static final int FACTS_WIDTH = 92;

  /**
   * The customer's decisions in time order.
   *
   * @param read how many decisions were read in all, for every customer
   * @param skipped records that could not be parsed as decisions
   */
  public record Timeline(String customer, List<TimelineEntry> entries, long read, long skipped) {}

  private DecisionTimeline() {}

  /** Reads a decisions.jsonl file, plain or gzip. */
  public static Timeline fromFile(Path file, String customer) throws IOException {
    List<TimelineEntry> entries = new ArrayList<>();
    long read = 0;
    long skipped = 0;
    try (BufferedReader r = JsonLinesFiles.open(file)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          skipped++;
          continue;
        }
        read++;
        if (customer.equals(n.path("customer_id").asText(null))) {
          entries.add(TimelineEntry.fromJson(n));
        }
      }
    }
    entries.sort(TimelineEntry.ORDER);
    return new Timeline(customer, entries, read, skipped);
  }

  /**
   * Reads a topic from the earliest offsets up to the end offsets it has when the read starts,
   * with the read_committed isolation level, so aborted transactions are not shown.
   *
   * @param properties further consumer settings, such as security settings
   * @throws TimeoutException when the end offsets are not reached within {@code timeout}
   * @throws IllegalArgumentException when the topic does not exist
   */
  public static Timeline fromKafka(
      String bootstrapServers,
      Map<String, String> properties,
      String topic,
      String customer,
      Duration timeout)
      throws TimeoutException {
    Properties p = new Properties();
    p.putAll(properties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A mistyped topic name must not create a topic on a broker that allows auto-creation.
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "cart-journeys-explain");

    List<TimelineEntry> entries = new ArrayList<>();
    long read = 0;
    long skipped = 0;
    Instant deadline = Instant.now().plus(timeout);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("topic not found: " + topic);
      }
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo i : infos) {
        partitions.add(new TopicPartition(topic, i.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
      Set<TopicPartition> remaining = new LinkedHashSet<>(partitions);
      remaining.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
      while (!remaining.isEmpty()) {
        if (Instant.now().isAfter(deadline)) {
          throw new TimeoutException(
              "reading topic " + topic + " timed out after " + timeout.toSeconds() + " s with "
                  + remaining.size() + " partitions not read to their end; " + read
                  + " decisions read");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue; // written after the read started
          }
          if (r.value() == null) {
            skipped++; // a tombstone
            continue;
          }
          Decision d;
          try {
            d = Decision.getDecoder().decode(r.value());
          } catch (IOException | AvroRuntimeException e) {
            skipped++;
            continue;
          }
          read++;
          if (customer.equals(d.getCustomerId())) {
            try {
              entries.add(TimelineEntry.fromJson(JSON.readTree(OutputJson.decision(d))));
            } catch (JsonProcessingException e) {
              throw new IllegalStateException("OutputJson wrote invalid JSON", e);
            }
          }
        }
        remaining.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
      }
    }
    entries.sort(TimelineEntry.ORDER);
    return new Timeline(customer, entries, read, skipped);
  }

  /**
   * Prints the timeline: a summary line, then per decision a headline with its UTC time and, below
   * it, the journey, command and facts.
   *
   * @param zone also print each time in this zone, or null for UTC only
   */
  public static void print(Timeline t, ZoneId zone, PrintWriter out) {
    Set<String> journeys = new LinkedHashSet<>();
    for (TimelineEntry e : t.entries()) {
      if (e.journeyId() != null) {
        journeys.add(e.journeyId());
      }
    }
    List<TimelineEntry> entries = t.entries();
    String journeyWord = journeys.size() == 1 ? "journey" : "journeys";
    out.printf(
        "customer %s: %d decisions, %d %s",
        t.customer(), entries.size(), journeys.size(), journeyWord);
    if (!entries.isEmpty()) {
      out.printf(
          ", %s to %s", entries.get(0).decidedAt(), entries.get(entries.size() - 1).decidedAt());
    }
    out.println();
    String previousJourney = null;
    for (TimelineEntry e : entries) {
      out.println();
      String local =
          zone == null ? "" : " (" + LOCAL.format(e.decidedAt().atZone(zone)) + " " + zone + ")";
      out.printf("%s%s  %s%n", e.decidedAt(), local, e.headline());
      // The journey line repeats only when the journey changes, which keeps one journey compact.
      if (e.journeyId() != null && !e.journeyId().equals(previousJourney)) {
        out.printf(
            "    journey %s%s%n",
            e.journeyId(),
            e.episodeStartedAt() == null ? "" : ", cart since " + e.episodeStartedAt());
      }
      previousJourney = e.journeyId();
      if (e.commandId() != null) {
        out.printf("    command %s%n", e.commandId());
      }
      StringBuilder line = new StringBuilder();
      for (Map.Entry<String, String> f : e.facts().entrySet()) {
        String pair = f.getKey() + "=" + f.getValue();
        if (line.length() > 0 && line.length() + pair.length() + 2 > FACTS_WIDTH) {
          out.printf("    %s%n", line);
          line.setLength(0);
        }
        line.append(line.length() > 0 ? ", " : "").append(pair);
      }
      if (line.length() > 0) {
        out.printf("    %s%n", line);
      }
    }
    out.flush();
  }
}
