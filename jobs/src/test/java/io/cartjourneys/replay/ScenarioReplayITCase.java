package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every acceptance scenario under {@code scenarios/} through the real job graph and checks
 * that exactly the expected push and email commands come out, at parallelism 1 and 2.
 */
class ScenarioReplayITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;

  static Stream<Arguments> scenarios() throws IOException, URISyntaxException {
    Path root = Path.of(ScenarioReplayITCase.class.getResource("/scenarios").toURI());
    List<Arguments> cases = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        if (Files.exists(dir.resolve("expected.json"))) {
          cases.add(Arguments.of(dir.getFileName().toString(), dir, 1));
          cases.add(Arguments.of(dir.getFileName().toString(), dir, 2));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} at parallelism {2}")
  @MethodSource("scenarios")
  void replayGivesExactlyTheExpectedCommands(String name, Path dir, int parallelism)
      throws Exception {
    JobConfig config = JobConfig.load(existing(dir.resolve("config.yaml")));
    config.runtime.parallelism = parallelism;
    ReplayInput input =
        new ReplayInput()
            .with(SourceKind.PROFILES, existing(dir.resolve("profiles.jsonl")))
            .with(SourceKind.LINKS, existing(dir.resolve("links.jsonl")))
            .with(SourceKind.EVENTS, existing(dir.resolve("events.jsonl")))
            .with(SourceKind.FEEDBACK, existing(dir.resolve("feedback.jsonl")));

    ReplayRunner.run(config, input, out);

    JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
    assertThat(commands(out.resolve("push.jsonl")))
        .as("push commands of %s", name)
        .containsExactlyInAnyOrderElementsOf(expectedCommands(expected.path("push")));
    assertThat(commands(out.resolve("email.jsonl")))
        .as("email commands of %s", name)
        .containsExactlyInAnyOrderElementsOf(expectedCommands(expected.path("email")));
  }

  private static Path existing(Path p) {
    return Files.exists(p) ? p : null;
  }

  /** The fields a scenario pins: customer, recipient, step, deliver_after instant, SKU set. */
  record Command(String customerId, String recipient, int step, long deliverAfter, String skus) {}

  private static List<Command> expectedCommands(JsonNode list) {
    List<Command> result = new ArrayList<>();
    for (JsonNode c : list) {
      TreeSet<String> skus = new TreeSet<>();
      c.path("skus").forEach(s -> skus.add(s.asText()));
      result.add(
          new Command(
              c.path("customer_id").asText(),
              c.path("recipient").asText(),
              c.path("step").asInt(),
              instant(c.path("deliver_after").asText()),
              skus.toString()));
    }
    return result;
  }

  private static List<Command> commands(Path file) throws IOException {
    List<Command> result = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode c = JSON.readTree(line);
      TreeSet<String> skus = new TreeSet<>();
      c.path("items").forEach(i -> skus.add(i.path("sku").asText()));
      result.add(
          new Command(
              c.path("customer_id").asText(),
              c.path("recipient").asText(),
              c.path("step").asInt(),
              instant(c.path("deliver_after").asText()),
              skus.toString()));
    }
    return result;
  }

  private static long instant(String text) {
    return OffsetDateTime.parse(text).toInstant().toEpochMilli();
  }
}
