package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.io.replay.ReplaySinks;
import io.cartjourneys.loadgen.LoadGenerator;
import io.cartjourneys.loadgen.LoadSettings;
import io.cartjourneys.model.SourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: replaying the same files gives the same outputs whatever the parallelism. Each seed
 * generates a different random population (anonymous browsing, logins, links, carts, removals,
 * purchases, late lines) and the outputs at parallelism 1 and 3 must be identical.
 */
class DeterminismITCase {
  private static final String[] OUTPUTS = {
    "push.jsonl", "email.jsonl", "decisions.jsonl", "conversions.jsonl"
  };

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 1234, 99_991})
  void outputsDoNotDependOnParallelism(long seed) throws Exception {
    ReplayFixture one = population(seed).run(TestDirs.create("det-1-"), 1, JobConfig.load(null));
    ReplayFixture three =
        population(seed).run(TestDirs.create("det-3-"), 3, JobConfig.load(null));
    for (String file : OUTPUTS) {
      List<String> a = Files.readAllLines(one.out.resolve(file));
      List<String> b = Files.readAllLines(three.out.resolve(file));
      assertThat(b).as("%s for seed %d", file, seed).isEqualTo(a);
    }
    assertThat(one.read("push.jsonl").size() + one.read("email.jsonl").size())
        .as("the population produces some commands")
        .isPositive();
  }

  /**
   * The same property on a generated shop population of a few thousand persons, where one event
   * in twenty is delivered twice. At parallelism above one, the two copies of a duplicate go to
   * different ingest tasks and reach the dedupe stage in either order. The copy kept must not
   * depend on which arrives first.
   */
  @Test
  void duplicatedShopMatchesAcrossParallelism(@TempDir Path tmp) throws Exception {
    Path in = tmp.resolve("in");
    LoadGenerator.generate(
        new LoadSettings(3000, 2, 7, LoadSettings.DEFAULT_START, 0.2, 0.4, 0.3, 0.05, 0.002), in);
    ReplayInput input =
        new ReplayInput()
            .with(SourceKind.PROFILES, in.resolve(LoadGenerator.PROFILES))
            .with(SourceKind.LINKS, in.resolve(LoadGenerator.LINKS))
            .with(SourceKind.EVENTS, in.resolve(LoadGenerator.EVENTS))
            .with(SourceKind.FEEDBACK, in.resolve(LoadGenerator.FEEDBACK));
    for (int parallelism : new int[] {1, 3}) {
      JobConfig config = JobConfig.load(null);
      config.runtime.parallelism = parallelism;
      ReplayRunner.run(config, input, tmp.resolve("out-" + parallelism));
    }
    for (String file : OUTPUTS) {
      List<String> a = Files.readAllLines(tmp.resolve("out-1").resolve(file));
      List<String> b = Files.readAllLines(tmp.resolve("out-3").resolve(file));
      assertThat(b).as("%s at parallelism 3 against 1", file).isEqualTo(a);
    }
    assertThat(Files.readAllLines(tmp.resolve("out-1").resolve(ReplaySinks.DECISIONS)))
        .as("the population reaches the decide stage")
        .hasSizeGreaterThan(1000);
  }

  /** A random population over one day; deterministic for a seed. */
  static ReplayFixture population(long seed) {
    Random r = new Random(seed);
    ReplayFixture f = new ReplayFixture();
    Instant day = Instant.parse("2026-03-10T06:00:00Z");
    int persons = 40;
    for (int p = 0; p < persons; p++) {
      String k = "k-" + p;
      String cookie = "c-" + p;
      String device = "d-" + p;
      f.profiles.add(
          "{\"customer_id\":\"" + k + "\",\"emails\":[\"" + k + "@example.com\"],"
              + "\"time_zone\":\"" + (r.nextBoolean() ? "Europe/Berlin" : "Asia/Kolkata") + "\","
              + "\"consent\":{\"email\":\"" + (r.nextInt(5) == 0 ? "OPTED_OUT" : "OPTED_IN")
              + "\",\"push\":\"" + (r.nextBoolean() ? "OPTED_IN" : "UNKNOWN") + "\"},"
              + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
      long t = day.toEpochMilli() + r.nextInt(12 * 3600) * 1000L;
      int n = 3 + r.nextInt(10);
      for (int e = 0; e < n; e++) {
        t += (1 + r.nextInt(40)) * 60_000L;
        String at = Instant.ofEpochMilli(t).toString();
        String id = "e-" + p + "-" + e;
        String sku = "SKU-" + r.nextInt(6);
        boolean app = r.nextBoolean();
        String channel = app ? "MOBILE_APP" : "WEB";
        String anon = app ? null : cookie;
        String dev = app ? device : null;
        switch (r.nextInt(9)) {
          case 0 -> f.event(id, "LOGIN", at, channel, anon, dev, k, true, null);
          case 1 -> f.link("l-" + p + "-" + e, at, "anonymous_id", cookie, "device_id", device);
          case 2, 3 -> f.event(id, "ADD_TO_CART", at, channel, anon, dev, null, false, sku);
          case 4 -> f.event(id, "REMOVE_FROM_CART", at, channel, anon, dev, null, false, sku);
          case 5 -> f.event(id, "PURCHASE", at, channel, anon, dev, k, true, sku);
          case 6 -> f.event(id, "ADD_TO_CART", at, channel, anon, dev, k, true, sku);
          default -> f.event(id, "PRODUCT_VIEW", at, channel, anon, dev, null, false, sku);
        }
        if (r.nextInt(15) == 0) {
          // Arrives after everything else: hours late.
          f.late.add(f.events.remove(f.events.size() - 1));
        }
      }
    }
    return f;
  }
}
