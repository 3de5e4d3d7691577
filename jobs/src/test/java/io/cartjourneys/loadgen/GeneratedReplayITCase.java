package io.cartjourneys.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.io.replay.ReplaySinks;
import io.cartjourneys.model.SourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays a small generated input set through the real job graph. */
class GeneratedReplayITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void generatedInputGivesCommandsAndDeadLetters() throws Exception {
    Path in = tmp.resolve("in");
    LoadCounts counts =
        LoadGenerator.generate(
            new LoadSettings(400, 2, 11, LoadSettings.DEFAULT_START, 0.2, 0.4, 0.3, 0.01, 0.01),
            in);
    JobConfig config = new JobConfig();
    config.runtime.parallelism = 2;
    Path out = tmp.resolve("out");

    ReplayRunner.run(
        config,
        new ReplayInput()
            .with(SourceKind.PROFILES, in.resolve(LoadGenerator.PROFILES))
            .with(SourceKind.LINKS, in.resolve(LoadGenerator.LINKS))
            .with(SourceKind.EVENTS, in.resolve(LoadGenerator.EVENTS))
            .with(SourceKind.FEEDBACK, in.resolve(LoadGenerator.FEEDBACK)),
        out);

    List<String> push = Files.readAllLines(out.resolve(ReplaySinks.PUSH));
    List<String> email = Files.readAllLines(out.resolve(ReplaySinks.EMAIL));
    List<String> deadLetters = Files.readAllLines(out.resolve(ReplaySinks.DEAD_LETTERS));
    assertThat(push).as("push commands").isNotEmpty();
    assertThat(email).as("email commands").isNotEmpty();
    assertThat(Files.readAllLines(out.resolve(ReplaySinks.DECISIONS))).isNotEmpty();
    assertThat(counts.malformed).isPositive();
    assertThat(deadLetters).hasSize((int) counts.malformed);
    for (String line : deadLetters) {
      assertThat(JSON.readTree(line).path("source").asText()).isEqualTo("events");
    }
    for (String line : email) {
      assertThat(JSON.readTree(line).path("recipient").asText()).endsWith("@example.invalid");
    }
    for (String line : push) {
      assertThat(JSON.readTree(line).path("recipient").asText()).startsWith("t-");
    }
  }
}
