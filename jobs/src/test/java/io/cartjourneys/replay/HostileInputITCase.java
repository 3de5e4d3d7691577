package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.ingest.DecodeException;
import io.cartjourneys.ingest.InputWatermarks;
import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.ingest.Repairs;
import io.cartjourneys.io.replay.ReplayProgress;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.metrics.InMemoryReporter;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Replays the hostile corpus in the middle of the ananya story, at parallelism 2, and checks that
 * the job finishes, the story's two commands come out exactly, every record that cannot be
 * processed is dead-lettered with its reason and bytes, and every odd value that was dropped is
 * audited. No attack in the corpus may put a foreign item into anyone's cart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileInputITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Dated so far ahead that the event-time stage must reject it. */
  private static final long FAR_AHEAD = Instant.parse("2098-01-01T00:00:00Z").toEpochMilli();

  private List<RawRecord> input;
  private InMemoryReporter metrics;
  private final ReplayFixture out = new ReplayFixture();

  @BeforeAll
  void replay() throws Exception {
    input = HostileCorpus.storyWithHostileRecords();
    Path dir = TestDirs.create("hostile");
    JobConfig config = JobConfig.load(null);
    config.identity.blockList = List.of("c-blocked-h", "d-blocked-h");
    config.runtime.parallelism = 2;
    out.out = dir.resolve("out");
    String run = UUID.randomUUID().toString();
    Configuration flink = new Configuration();
    flink.setString("metrics.reporter.mem.factory.class", InMemoryReporter.Factory.class.getName());
    flink.setString("metrics.reporter.mem.run", run);
    ReplayRunner.run(
        config,
        EncodedRecords.write(dir.resolve("in.txt"), input),
        out.out,
        ReplayProgress.NONE,
        flink);
    metrics = InMemoryReporter.forRun(run);
  }

  @Test
  void storyCommandsComeOutExactly() throws Exception {
    assertThat(out.commands("k-1001"))
        .containsExactly(
            "EMAIL step 2 at 2026-03-15T02:30:00Z skus [SHOE-123]",
            "PUSH step 1 at 2026-03-14T16:11:00Z skus [SHOE-123]");
    List<JsonNode> push = out.read("push.jsonl");
    assertThat(push)
        .filteredOn(c -> c.path("customer_id").asText().equals("k-1001"))
        .singleElement()
        .satisfies(c -> assertThat(c.path("recipient").asText()).isEqualTo("tok-ananya-1"));
    assertThat(out.read("email.jsonl"))
        .filteredOn(c -> c.path("customer_id").asText().equals("k-1001"))
        .singleElement()
        .satisfies(c -> assertThat(c.path("recipient").asText()).isEqualTo("ananya@example.com"));
  }

  @Test
  void noAttackPutsAForeignItemIntoACart() throws Exception {
    List<JsonNode> commands = new ArrayList<>(out.read("push.jsonl"));
    commands.addAll(out.read("email.jsonl"));
    for (JsonNode c : commands) {
      for (JsonNode item : c.path("items")) {
        assertThat(item.path("sku").asText())
            .as("item in the command to %s", c.path("customer_id").asText())
            .doesNotStartWith("EVIL");
      }
    }
  }

  @Test
  void everyUndecodableRecordIsDeadLetteredWithItsReason() throws Exception {
    List<String> expected = new ArrayList<>();
    for (RawRecord r : input) {
      String reason = expectedDeadLetterReason(r);
      if (reason != null) {
        expected.add(r.source.label() + " " + reason + " " + base64(r.payload));
      }
    }
    List<String> actual =
        out.read("dead-letters.jsonl").stream()
            .map(
                d ->
                    d.path("source").asText()
                        + " "
                        + d.path("reason").asText()
                        + " "
                        + d.path("payload_base64").asText())
            .collect(Collectors.toList());
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    Set<String> reasons =
        out.read("dead-letters.jsonl").stream()
            .map(d -> d.path("reason").asText())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(reasons)
        .contains(
            "invalid-json",
            "unrecognised-encoding",
            "missing-event-type",
            "unknown-event-type",
            "wrong-type",
            "missing-event-id",
            "missing-time",
            "invalid-time",
            "time-out-of-range",
            InputWatermarks.TOO_FAR_AHEAD,
            "record-too-large",
            "field-too-long",
            "missing-customer-id",
            "missing-link-id",
            "missing-command-id",
            "missing-feedback-status",
            "unknown-feedback-status",
            "invalid-avro",
            "wrong-schema",
            "unknown-schema");
  }

  @Test
  void everyRecordIsDecodedOrDeadLettered() throws Exception {
    long expectedDeadLetters =
        input.stream().filter(r -> expectedDeadLetterReason(r) != null).count();
    assertThat(metrics.count(JobMetric.RECORDS_IN)).as("records in").isEqualTo(input.size());
    assertThat(metrics.count(JobMetric.DEAD_LETTERS))
        .as("dead letters counted")
        .isEqualTo(expectedDeadLetters);
    assertThat(out.read("dead-letters.jsonl"))
        .as("dead letters written")
        .hasSize((int) expectedDeadLetters);
    assertThat(metrics.count(JobMetric.DUPLICATES_DROPPED))
        .as("the two story ids reused by hostile records")
        .isEqualTo(2);
  }

  @Test
  void repairedValuesAreCountedByReason() throws Exception {
    Map<String, Long> expected = new HashMap<>();
    for (RawRecord r : input) {
      if (expectedDeadLetterReason(r) != null) {
        continue;
      }
      Repairs repairs = new Repairs();
      RecordDecoder.decode(r.source, r.payload, repairs);
      for (Repairs.Repair repair : repairs.entries()) {
        expected.merge(repair.reason(), (long) repair.count(), Long::sum);
      }
    }
    assertThat(expected).as("repairs in the corpus").containsKey("items-truncated");
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      assertThat(metrics.count(JobMetric.VALUES_REPAIRED, e.getKey()))
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    assertThat(metrics.count(JobMetric.VALUES_REPAIRED))
        .as("total")
        .isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void droppedValuesAreAudited() throws Exception {
    Map<String, Long> byReason = new HashMap<>();
    for (JsonNode d : out.read("decisions.jsonl")) {
      byReason.merge(d.path("reason").asText(), 1L, Long::sum);
    }
    assertThat(byReason.keySet())
        .contains(
            "wrong-type",
            "unknown-channel",
            "unknown-consent",
            "invalid-item",
            "invalid-price",
            "invalid-quantity",
            "quantity-clamped",
            "items-truncated",
            "contacts-truncated",
            "field-too-long",
            "invalid-characters",
            "placeholder-identifier",
            "all-zero-identifier",
            "blocked-identifier",
            "malformed-email",
            "malformed-phone",
            "per-person-limit",
            "unauthenticated-link",
            "unknown-time-zone",
            "feedback-for-unknown-command",
            "feedback-for-unknown-person");
    assertThat(byReason.get("per-person-limit"))
        .as("45 emails and 45 phones over the limit on one profile")
        .isEqualTo(90);
  }

  @Test
  void oddPricesAndQuantitiesAreRepairedNotPassedOn() throws Exception {
    JsonNode prices = onlyEmail("k-h-p1");
    Map<String, String> priceBySku = new HashMap<>();
    prices
        .path("items")
        .forEach(i -> priceBySku.put(i.path("sku").asText(), i.path("price").toString()));
    assertThat(priceBySku)
        .containsEntry("P-OK", "19.99")
        .containsEntry("P-TEXT", "12.5")
        .containsEntry("P-NAN", "null")
        .containsEntry("P-INF", "null")
        .containsEntry("P-HUGE", "null")
        .containsEntry("P-MAX", "null")
        .containsEntry("P-NEG", "null")
        .hasSize(9);
    assertThat(prices.path("cart_value").asDouble()).isEqualTo(32.49);

    Map<String, Integer> quantityBySku = new HashMap<>();
    onlyEmail("k-h-q1")
        .path("items")
        .forEach(i -> quantityBySku.put(i.path("sku").asText(), i.path("quantity").asInt()));
    assertThat(quantityBySku)
        .containsOnly(
            Map.entry("Q-HUGE", 9_999),
            Map.entry("Q-TEXT", 7),
            Map.entry("Q-MANY", 9_999),
            Map.entry("Q-OK", 2));
  }

  @Test
  void tenThousandItemsAreCutToTheLimit() throws Exception {
    JsonNode c = onlyEmail("k-h-items");
    assertThat(c.path("items").size()).isEqualTo(200);
    assertThat(c.path("items").get(199).path("sku").asText()).isEqualTo("I-199");
  }

  private JsonNode onlyEmail(String customer) throws IOException {
    List<JsonNode> mine =
        out.read("email.jsonl").stream()
            .filter(c -> c.path("customer_id").asText().equals(customer))
            .toList();
    assertThat(mine).as("email commands to %s", customer).hasSize(1);
    return mine.get(0);
  }

  /** What the job must do with one record: the dead-letter reason, or null to process it. */
  private static String expectedDeadLetterReason(RawRecord r) {
    Signal s;
    try {
      s = RecordDecoder.decode(r.source, r.payload);
    } catch (DecodeException e) {
      return e.reason();
    }
    return s.time >= FAR_AHEAD ? InputWatermarks.TOO_FAR_AHEAD : null;
  }

  private static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
