package io.cartjourneys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code replay --rees46} in-process on a local cluster over a small CSV: one customer adds to
 * the cart and leaves, one buys, one only looks, and six rows are bad in six different ways.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class Rees46ReplayITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<String> CSV =
      List.of(
          "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,"
              + "user_session",
          // 1001 puts a kettle in the cart at 22:31 in Kolkata and leaves.
          "2019-10-01 17:00:00 UTC,view,100,1,appliances.kitchen.kettle,bosch,29.90,1001,s-a",
          "2019-10-01 17:01:00 UTC,cart,100,1,appliances.kitchen.kettle,bosch,29.90,1001,s-a",
          "2019-10-01 17:02:00 UTC,view,200,1,appliances.kitchen.toaster,,19.00,1001,s-a",
          // 1002 buys what they put in the cart.
          "2019-10-01 17:00:30 UTC,view,300,1,electronics.audio.headphone,sony,99.00,1002,s-b",
          "2019-10-01 17:03:00 UTC,cart,300,1,electronics.audio.headphone,sony,99.00,1002,s-b",
          "2019-10-01 17:05:00 UTC,purchase,300,1,electronics.audio.headphone,sony,99.00,1002,s-b",
          // 1003 only looks.
          "2019-10-01 19:00:00 UTC,view,400,1,,,5.00,1003,s-c",
          // One bad row per rejection reason.
          "2019-10-01 17:06:00 UTC,view,400,1,,,5.00,1003",
          "2019-10-01T17:06:00,view,400,1,,,5.00,1003,s-c",
          "2019-10-01 17:06:00 UTC,wishlist,400,1,,,5.00,1003,s-c",
          "2019-10-01 17:06:00 UTC,view,400,1,,,5.00,,s-c",
          "2019-10-01 17:06:00 UTC,view,,1,,,5.00,1003,s-c",
          "2019-10-01 17:06:00 UTC,view,400,1,,,free,1003,s-c");

  @TempDir Path dir;

  @Test
  void abandonerGetsEmailAndBuyerNothing() throws Exception {
    Path csv = dir.resolve("events.csv");
    Files.write(csv, CSV, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");

    Run run = replay(csv, out);

    assertThat(run.exitCode).as("exit code, stderr: %s", run.err).isZero();
    Map<String, Long> summary = run.summary();
    assertThat(summary).containsEntry("rows read", 13L);
    assertThat(summary).containsEntry("rows rejected", 6L);
    assertThat(summary).containsEntry("wrong-column-count", 1L);
    assertThat(summary).containsEntry("invalid-time", 1L);
    assertThat(summary).containsEntry("unknown-event-type", 1L);
    assertThat(summary).containsEntry("missing-user-id", 1L);
    assertThat(summary).containsEntry("missing-product-id", 1L);
    assertThat(summary).containsEntry("invalid-price", 1L);
    assertThat(summary).containsEntry("rows accepted", 7L);
    assertThat(summary).containsEntry("PRODUCT_VIEW", 4L);
    assertThat(summary).containsEntry("ADD_TO_CART", 2L);
    assertThat(summary).containsEntry("PURCHASE", 1L);
    assertThat(summary).containsEntry("customers", 3L);
    assertThat(summary).containsEntry("customers with a cart", 2L);
    assertThat(summary).containsEntry("cart episodes", 2L);
    assertThat(summary).containsEntry("journeys entered", 1L);
    assertThat(summary).containsEntry("push commands", 0L);
    assertThat(summary).containsEntry("email commands", 1L);
    assertThat(summary).containsEntry("dead letters", 0L);

    for (String file :
        List.of(
            "push.jsonl",
            "email.jsonl",
            "decisions.jsonl",
            "conversions.jsonl",
            "dead-letters.jsonl")) {
      assertThat(out.resolve(file)).as(file).exists();
    }
    assertThat(lines(out.resolve("push.jsonl"))).isEmpty();

    List<JsonNode> emails = lines(out.resolve("email.jsonl"));
    assertThat(emails).hasSize(1);
    JsonNode email = emails.get(0);
    assertThat(email.get("customer_id").asText()).isEqualTo("1001");
    assertThat(email.get("channel").asText()).isEqualTo("EMAIL");
    assertThat(email.get("recipient").asText()).isEqualTo("1001@example.invalid");
    assertThat(email.get("step").asInt()).isEqualTo(1);
    assertThat(email.get("time_zone").asText()).isEqualTo("Asia/Kolkata");
    // Decided at 17:31 UTC, which is 23:01 in Kolkata: quiet hours move it to 08:00 there.
    assertThat(OffsetDateTime.parse(email.get("deliver_after").asText()).toInstant())
        .isEqualTo(Instant.parse("2019-10-02T02:30:00Z"));
    assertThat(email.get("items").size()).isEqualTo(1);
    assertThat(email.get("items").get(0).get("sku").asText()).isEqualTo("100");
    assertThat(email.get("items").get(0).get("name").asText()).isEqualTo("bosch kettle");

    List<String> entered = new ArrayList<>();
    for (JsonNode decision : lines(out.resolve("decisions.jsonl"))) {
      if (decision.path("outcome").asText().equals("ENTERED")) {
        entered.add(decision.path("customer_id").asText());
      }
    }
    assertThat(entered).containsExactly("1001");
  }

  @Test
  void gzipInputGivesSameSummary() throws Exception {
    Path csv = dir.resolve("events.csv.gz");
    try (OutputStream gzip = new GZIPOutputStream(Files.newOutputStream(csv))) {
      gzip.write((String.join("\n", CSV) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    Run run = replay(csv, dir.resolve("out"));

    assertThat(run.exitCode).as("exit code, stderr: %s", run.err).isZero();
    assertThat(run.summary()).containsEntry("rows read", 13L);
    assertThat(run.summary()).containsEntry("rows rejected", 6L);
    assertThat(run.summary()).containsEntry("email commands", 1L);
  }

  @Test
  void fileWithoutHeaderIsRejected() throws Exception {
    Path csv = dir.resolve("no-header.csv");
    Files.write(csv, CSV.subList(1, CSV.size()), StandardCharsets.UTF_8);

    Run run = replay(csv, dir.resolve("out"));

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("not a REES46 CSV").contains("'event_time'");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  private record Run(int exitCode, String out, String err) {
    /** Parses the {@code label: number} lines of the summary. Labels are trimmed. */
    Map<String, Long> summary() {
      Map<String, Long> values = new HashMap<>();
      for (String line : out.split("\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String value = line.substring(colon + 1).trim();
        if (value.matches("\\d+")) {
          values.put(line.substring(0, colon).trim(), Long.parseLong(value));
        }
      }
      return values;
    }
  }

  private static Run replay(Path csv, Path out) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cli = new CommandLine(new CartJourneysCli());
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));
    int code =
        cli.execute(
            "replay",
            "--rees46",
            csv.toString(),
            "--time-zone",
            "Asia/Kolkata",
            "--out",
            out.toString(),
            "--parallelism",
            "2",
            "--no-progress");
    return new Run(code, stdout.toString(), stderr.toString());
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }
}
