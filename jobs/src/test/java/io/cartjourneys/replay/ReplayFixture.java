package io.cartjourneys.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayProgress;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.metrics.InMemoryReporter;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;

/** Builds JSON Lines inputs in a temp directory, replays them, and reads the outputs back. */
public final class ReplayFixture {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final List<String> events = new ArrayList<>();
  public final List<String> profiles = new ArrayList<>();
  public final List<String> links = new ArrayList<>();
  public final List<String> feedback = new ArrayList<>();
  /** Event lines written after all others, whatever their time. */
  public final List<String> late = new ArrayList<>();
  /** Profile lines written after all others, whatever their time. */
  public final List<String> lateProfiles = new ArrayList<>();
  public Path out;
  /** The metrics of the last run, read after it has finished. */
  public InMemoryReporter metrics;

  /** A consenting profile in UTC with email {@code <id>@example.com} and the given phones. */
  public ReplayFixture profile(String id, String... phones) {
    StringBuilder p = new StringBuilder();
    for (String phone : phones) {
      p.append(p.length() == 0 ? "" : ",").append('"').append(phone).append('"');
    }
    profiles.add(
        "{\"customer_id\":\"" + id + "\",\"emails\":[\"" + id + "@example.com\"],"
            + "\"phones\":[" + p + "],\"time_zone\":\"UTC\","
            + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
    return this;
  }

  /** An event; null fields are left out. {@code at} is an ISO instant. */
  public ReplayFixture event(
      String id, String type, String at, String channel, String cookie, String device,
      String customer, boolean authenticated, String sku) {
    StringBuilder b = new StringBuilder("{");
    b.append("\"event_id\":\"").append(id).append("\",\"event_type\":\"").append(type)
        .append("\",\"occurred_at\":\"").append(at).append("\",\"channel\":\"").append(channel)
        .append("\",\"authenticated\":").append(authenticated);
    field(b, "anonymous_id", cookie);
    field(b, "device_id", device);
    field(b, "customer_id", customer);
    if (sku != null) {
      b.append(",\"items\":[{\"sku\":\"").append(sku)
          .append("\",\"name\":\"n\",\"price\":10.0,\"currency\":\"EUR\",\"quantity\":1}]");
    }
    events.add(b.append('}').toString());
    return this;
  }

  /** An authenticated identity link between the named identifiers. */
  public ReplayFixture link(String id, String at, String... kindValuePairs) {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < kindValuePairs.length; i += 2) {
      ids.append(ids.length() == 0 ? "" : ",")
          .append('"').append(kindValuePairs[i]).append("\":\"").append(kindValuePairs[i + 1])
          .append('"');
    }
    links.add(
        "{\"link_id\":\"" + id + "\",\"occurred_at\":\"" + at + "\",\"source\":\"test\","
            + "\"authenticated\":true,\"identifiers\":{" + ids + "}}");
    return this;
  }

  private static void field(StringBuilder b, String name, String value) {
    if (value != null) {
      b.append(",\"").append(name).append("\":\"").append(value).append('"');
    }
  }

  /**
   * Replays the inputs at the given parallelism. Event, profile and link lines are sorted by time first
   * (stably), so that arrival order is time order unless a test appends late lines with {@link
   * #late}.
   */
  public ReplayFixture run(Path dir, int parallelism, JobConfig config) throws Exception {
    Path in = dir.resolve("in");
    out = dir.resolve("out");
    Files.createDirectories(in);
    List<String> ordered = new ArrayList<>(events);
    ordered.sort(java.util.Comparator.comparing(ReplayFixture::occurredAt));
    ordered.addAll(late);
    Files.write(in.resolve("events.jsonl"), ordered);
    List<String> orderedProfiles = new ArrayList<>(profiles);
    orderedProfiles.sort(java.util.Comparator.comparing(ReplayFixture::updatedAt));
    orderedProfiles.addAll(lateProfiles);
    Files.write(in.resolve("profiles.jsonl"), orderedProfiles);
    List<String> orderedLinks = new ArrayList<>(links);
    orderedLinks.sort(java.util.Comparator.comparing(ReplayFixture::occurredAt));
    Files.write(in.resolve("links.jsonl"), orderedLinks);
    Files.write(in.resolve("feedback.jsonl"), feedback);
    config.runtime.parallelism = parallelism;
    String run = UUID.randomUUID().toString();
    Configuration flink = new Configuration();
    flink.setString("metrics.reporter.mem.factory.class", InMemoryReporter.Factory.class.getName());
    flink.setString("metrics.reporter.mem.run", run);
    ReplayRunner.run(
        config,
        new ReplayInput()
            .with(SourceKind.PROFILES, in.resolve("profiles.jsonl"))
            .with(SourceKind.LINKS, in.resolve("links.jsonl"))
            .with(SourceKind.EVENTS, in.resolve("events.jsonl"))
            .with(SourceKind.FEEDBACK, in.resolve("feedback.jsonl")),
        out,
        ReplayProgress.NONE,
        flink);
    metrics = InMemoryReporter.forRun(run);
    return this;
  }

  private static String updatedAt(String line) {
    try {
      return java.time.Instant.parse(JSON.readTree(line).path("updated_at").asText()).toString();
    } catch (Exception e) {
      return "";
    }
  }

  private static String occurredAt(String line) {
    try {
      return java.time.Instant.parse(JSON.readTree(line).path("occurred_at").asText()).toString();
    } catch (Exception e) {
      return "";
    }
  }

  public List<JsonNode> read(String file) throws IOException {
    List<JsonNode> result = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(file))) {
      if (!line.isBlank()) {
        result.add(JSON.readTree(line));
      }
    }
    return result;
  }

  /** Commands of one customer as "CHANNEL step N at INSTANT skus [..]". */
  public List<String> commands(String customer) throws IOException {
    List<JsonNode> all = new ArrayList<>(read("push.jsonl"));
    all.addAll(read("email.jsonl"));
    return all.stream()
        .filter(c -> customer.equals(c.path("customer_id").asText()))
        .map(
            c -> {
              List<String> skus = new ArrayList<>();
              c.path("items").forEach(i -> skus.add(i.path("sku").asText()));
              return c.path("channel").asText() + " step " + c.path("step").asInt() + " at "
                  + OffsetDateTime.parse(c.path("deliver_after").asText()).toInstant()
                  + " skus " + skus;
            })
        .sorted()
        .collect(Collectors.toList());
  }

  public long decisions(String outcome, String reason) throws IOException {
    return read("decisions.jsonl").stream()
        .filter(d -> outcome.equals(d.path("outcome").asText()))
        .filter(d -> reason == null || reason.equals(d.path("reason").asText()))
        .count();
  }
}
