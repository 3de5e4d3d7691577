package io.cartjourneys.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.cli.CartJourneysCli;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplaySavepoint;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Runs the real job graph over the ananya story on a local cluster, stops it with a savepoint
 * after the first push and before the follow-up email, and checks the tables inspect-savepoint
 * writes from it.
 *
 * <p>Two product views of other anonymous visitors follow the story, at 21:49 and 21:50:30
 * (Asia/Kolkata). They move the watermark to 21:50:25, past the decision and the push at 21:41
 * but not to the follow-up at 08:00. The 21:49 view is held because its cookie has no owner. The
 * 21:50:30 one still waits for the watermark, so its cookie has state but no row. A second
 * customer, k-1002, has only a CRM profile: a person without a cart, whose orchestration state
 * holds a contact but no journey.
 */
class InspectSavepointITCase {
  private static final String[] INPUTS = {"events.jsonl", "profiles.jsonl", "links.jsonl"};

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} job, {1} savepoint, read with {2} at parallelism {3}")
  @CsvSource({
    "hashmap, CANONICAL, hashmap, 1",
    "rocksdb, CANONICAL, hashmap, 2",
    "rocksdb, NATIVE, rocksdb, 2"
  })
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void savepointTablesShowTheStoryAfterThePush(
      String jobBackend, SavepointFormatType format, String readBackend, int readParallelism)
      throws Exception {
    Path input = storyInput();
    JobConfig config = new JobConfig();
    config.runtime.stateBackend = jobBackend;
    config.runtime.parallelism = 1;
    String savepoint =
        ReplaySavepoint.run(
            config,
            new ReplayInput()
                .with(SourceKind.PROFILES, input.resolve("profiles.jsonl"))
                .with(SourceKind.LINKS, input.resolve("links.jsonl"))
                .with(SourceKind.EVENTS, input.resolve("events.jsonl")),
            dir.resolve("replay"),
            dir.resolve("savepoints"),
            format);
    assertThat(Files.readAllLines(dir.resolve("replay/push.jsonl"))).hasSize(1);
    assertThat(Files.readAllLines(dir.resolve("replay/email.jsonl"))).isEmpty();

    Path out = dir.resolve("state");
    StringWriter stdout = new StringWriter();
    long started = System.nanoTime();
    int code =
        new CommandLine(new CartJourneysCli())
            .setOut(new PrintWriter(stdout))
            .execute(
                "inspect-savepoint",
                savepoint,
                "--out",
                out.toString(),
                "--parallelism",
                Integer.toString(readParallelism));
    System.out.printf(
        "inspect-savepoint (%s, %s) took %d ms%n",
        jobBackend, format, (System.nanoTime() - started) / 1_000_000);

    assertThat(code).isZero();
    assertThat(stdout.toString())
        .contains("with the " + readBackend + " backend")
        .containsPattern("persons +2 ")
        .containsPattern("cart_lines +1 ")
        .containsPattern("journeys +1 ")
        .containsPattern("identity_owners +3 ");

    List<Map<String, String>> persons = CsvFiles.read(out.resolve("persons.csv"));
    assertThat(persons).extracting(p -> p.get("customer_id")).containsExactlyInAnyOrder(
        "k-1001", "k-1002");
    Map<String, String> person = byCustomer(persons, "k-1001");
    assertThat(person)
        .containsEntry("customer_id", "k-1001")
        .containsEntry("has_profile", "true")
        .containsEntry("erased", "false")
        .containsEntry("has_email", "true")
        .containsEntry("has_push_token", "true")
        .containsEntry("email_consent", "OPTED_IN")
        .containsEntry("push_consent", "OPTED_IN")
        .containsEntry("time_zone", "Asia/Kolkata")
        .containsEntry("cart_lines", "1")
        .containsEntry("cart_value", "4999")
        .containsEntry("currency", "INR")
        .containsEntry("last_cart_change_at", "2026-03-14T15:41:00Z")
        .containsEntry("last_purchase_at", "")
        .containsEntry("last_event_at", "2026-03-14T16:02:00Z")
        .containsEntry("last_event_channel", "MOBILE_APP")
        .containsEntry("last_first_touch_at", "2026-03-14T16:11:00Z")
        .containsEntry("pending_records", "0");

    assertThat(byCustomer(persons, "k-1002"))
        .containsEntry("has_profile", "true")
        .containsEntry("has_email", "true")
        .containsEntry("has_push_token", "false")
        .containsEntry("time_zone", "UTC")
        .containsEntry("cart_lines", "0")
        .containsEntry("cart_value", "")
        .containsEntry("last_cart_change_at", "");

    assertThat(CsvFiles.read(out.resolve("cart_lines.csv")))
        .containsExactly(
            Map.of(
                "customer_id", "k-1001",
                "sku", "SHOE-123",
                "name", "Trail Runner 2",
                "quantity", "1",
                "price", "4999",
                "currency", "INR"));

    List<Map<String, String>> journeys = CsvFiles.read(out.resolve("journeys.csv"));
    assertThat(journeys).hasSize(1);
    assertThat(journeys.get(0))
        .containsEntry("customer_id", "k-1001")
        .containsEntry("channel", "PUSH")
        .containsEntry("active", "true")
        .containsEntry("next_step", "2")
        .containsEntry("next_due_at", "2026-03-15T02:30:00Z")
        .containsEntry("first_touch_at", "2026-03-14T16:11:00Z")
        .containsEntry("holdout", "false")
        .containsEntry("converted", "false");
    assertThat(journeys.get(0).get("journey_id")).startsWith("j-");

    assertThat(CsvFiles.read(out.resolve("identity_owners.csv")))
        .containsExactlyInAnyOrder(
            owner("cookie", "c-ananya", "device", "d-ananya", "0"),
            owner("device", "d-ananya", "customer", "k-1001", "0"),
            owner("cookie", "c-later", "", "", "1"));

    for (StateTable t : StateTable.values()) {
      String text = Files.readString(out.resolve(t.fileName()));
      assertThat(text).as("%s holds no personal data", t.fileName()).doesNotContain("@");
      assertThat(text).as("%s holds no push token", t.fileName()).doesNotContain("tok-");
      assertThat(text).as("%s holds no phone number", t.fileName()).doesNotContain("+91");
      assertThat(CsvFiles.header(out.resolve(t.fileName()))).isEqualTo(t.columns());
    }
  }

  private static Map<String, String> byCustomer(List<Map<String, String>> rows, String id) {
    return rows.stream().filter(r -> r.get("customer_id").equals(id)).findFirst().orElseThrow();
  }

  private static Map<String, String> owner(
      String kind, String identifier, String ownerKind, String owner, String held) {
    return Map.of(
        "kind", kind,
        "identifier", identifier,
        "owner_kind", ownerKind,
        "owner", owner,
        "held_records", held);
  }

  private static String view(String cookie, String localTime) {
    return "{\"event_id\":\"w-" + cookie + "\",\"event_type\":\"PRODUCT_VIEW\","
        + "\"occurred_at\":\"2026-03-14T" + localTime + "+05:30\",\"channel\":\"WEB\","
        + "\"anonymous_id\":\"" + cookie + "\",\"authenticated\":false,"
        + "\"items\":[{\"sku\":\"CAP-1\",\"name\":\"Cap\",\"price\":499.0,"
        + "\"currency\":\"INR\",\"quantity\":1}]}\n";
  }

  /** Writes the ananya scenario's files plus the two later product views and the second profile. */
  private Path storyInput() throws IOException {
    Path input = Files.createDirectories(dir.resolve("input"));
    for (String name : INPUTS) {
      try (InputStream in = getClass().getResourceAsStream("/scenarios/ananya/" + name)) {
        Files.copy(in, input.resolve(name));
      }
    }
    String later = view("c-later", "21:49:00") + view("c-last", "21:50:30");
    Files.writeString(
        input.resolve("events.jsonl"), later, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    String profile =
        "{\"customer_id\":\"k-1002\",\"emails\":[\"k-1002@example.com\"],\"time_zone\":\"UTC\","
            + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"UNKNOWN\"},"
            + "\"updated_at\":\"2026-03-02T10:00:00Z\",\"deleted\":false}\n";
    Files.writeString(
        input.resolve("profiles.jsonl"),
        profile,
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    return input;
  }
}
