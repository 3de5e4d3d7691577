package io.cartjourneys.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.cli.CartJourneysCli;
import io.cartjourneys.ingest.DecodeException;
import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private int generate(Path out, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("generate", "--persons", "300", "--days", "2", "--out", out.toString()));
    args.addAll(List.of(extra));
    return new CommandLine(new CartJourneysCli()).execute(args.toArray(String[]::new));
  }

  @Test
  void sameSeedGivesIdenticalFiles() throws IOException {
    assertThat(generate(tmp.resolve("a"), "--seed", "7")).isZero();
    assertThat(generate(tmp.resolve("b"), "--seed", "7")).isZero();
    for (String f :
        List.of(
            LoadGenerator.EVENTS,
            LoadGenerator.PROFILES,
            LoadGenerator.LINKS,
            LoadGenerator.FEEDBACK,
            LoadGenerator.MANIFEST)) {
      assertThat(Files.readAllBytes(tmp.resolve("b").resolve(f)))
          .as(f)
          .isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(f)));
    }
  }

  @Test
  void otherSeedGivesOtherEvents() throws IOException {
    assertThat(generate(tmp.resolve("a"), "--seed", "7")).isZero();
    assertThat(generate(tmp.resolve("b"), "--seed", "8")).isZero();
    assertThat(Files.readAllBytes(tmp.resolve("b").resolve(LoadGenerator.EVENTS)))
        .isNotEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(LoadGenerator.EVENTS)));
  }

  @Test
  void everyLineDecodesExceptTheMalformedOnes() throws IOException {
    Path out = tmp.resolve("set");
    assertThat(generate(out, "--malformed-share", "0.02", "--duplicate-share", "0.02")).isZero();
    JsonNode counts = JSON.readTree(out.resolve(LoadGenerator.MANIFEST).toFile()).path("counts");

    Lines events = decodeAll(out.resolve(LoadGenerator.EVENTS), SourceKind.EVENTS);
    Lines profiles = decodeAll(out.resolve(LoadGenerator.PROFILES), SourceKind.PROFILES);
    Lines links = decodeAll(out.resolve(LoadGenerator.LINKS), SourceKind.LINKS);

    assertThat(counts.path("malformed").asLong()).isPositive();
    assertThat(events.rejected).isEqualTo(counts.path("malformed").asLong());
    assertThat(events.decoded)
        .isEqualTo(counts.path("events").asLong() + counts.path("duplicates").asLong());
    assertThat(events.distinctIds).isEqualTo(counts.path("events").asLong());
    assertThat(profiles.rejected).isZero();
    assertThat(profiles.decoded).isEqualTo(counts.path("profiles").asLong());
    assertThat(links.rejected).isZero();
    assertThat(links.decoded).isEqualTo(counts.path("links").asLong());
    assertThat(Files.size(out.resolve(LoadGenerator.FEEDBACK))).isZero();
  }

  @Test
  void eventsInTimeOrderExceptDelayed() throws IOException {
    Path out = tmp.resolve("set");
    assertThat(generate(out)).isZero();
    JsonNode counts = JSON.readTree(out.resolve(LoadGenerator.MANIFEST).toFile()).path("counts");
    long behind = 0;
    long max = Long.MIN_VALUE;
    for (String line : Files.readAllLines(out.resolve(LoadGenerator.EVENTS))) {
      Long t = RecordDecoder.peekTime(SourceKind.EVENTS, line.getBytes(StandardCharsets.UTF_8));
      if (t == null) {
        continue;
      }
      if (t < max) {
        behind++;
      }
      max = Math.max(max, t);
    }
    long delayed =
        counts.path("outOfOrder").asLong()
            + counts.path("lateBatched").asLong()
            + counts.path("duplicates").asLong();
    assertThat(behind).isPositive();
    assertThat(behind).isLessThanOrEqualTo(delayed);
  }

  @Test
  void profilesCoverKnownPersonsWithTestEmails() throws IOException {
    Path out = tmp.resolve("set");
    assertThat(generate(out, "--anonymous-share", "0.5")).isZero();
    JsonNode counts = JSON.readTree(out.resolve(LoadGenerator.MANIFEST).toFile()).path("counts");
    Set<String> zones = new HashSet<>();
    Set<String> consents = new HashSet<>();
    long first = 0;
    for (String line : Files.readAllLines(out.resolve(LoadGenerator.PROFILES))) {
      JsonNode p = JSON.readTree(line);
      if (p.path("deleted").asBoolean()) {
        continue;
      }
      assertThat(p.path("emails").get(0).asText())
          .isEqualTo(p.path("customer_id").asText() + "@example.invalid");
      zones.add(p.path("time_zone").asText("none"));
      consents.add(p.path("consent").path("email").asText());
      first++;
    }
    assertThat(first).isGreaterThanOrEqualTo(counts.path("knownPersons").asLong());
    assertThat(counts.path("knownPersons").asLong()).isBetween(100L, 200L);
    assertThat(zones).hasSizeGreaterThan(8);
    assertThat(consents).containsExactlyInAnyOrder("OPTED_IN", "OPTED_OUT", "UNKNOWN");
  }

  @Test
  void invalidShareIsRejected() {
    assertThat(generate(tmp.resolve("x"), "--purchase-share", "1.5")).isEqualTo(2);
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  private record Lines(long decoded, long rejected, long distinctIds) {}

  private static Lines decodeAll(Path file, SourceKind kind) throws IOException {
    long decoded = 0;
    long rejected = 0;
    Set<String> ids = new HashSet<>();
    for (String line : Files.readAllLines(file)) {
      try {
        Signal s = RecordDecoder.decode(kind, line.getBytes(StandardCharsets.UTF_8));
        decoded++;
        ids.add(s.id);
      } catch (DecodeException e) {
        rejected++;
      }
    }
    return new Lines(decoded, rejected, ids.size());
  }
}
