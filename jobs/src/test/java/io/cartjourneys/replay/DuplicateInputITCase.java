package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.metrics.JobMetric;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * An event id seen again within the recency limit (24 h) is ignored, whatever the second record
 * says, and counted; seen again after it, it is a new record. Each customer exercises one case, in
 * one replay at parallelism 1 and one at 2, whose outputs must be identical.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DuplicateInputITCase {
  private static final String DAY1 = "2026-03-10T";
  private static final String DAY3 = "2026-03-12T";
  private static final String[] OUTPUTS = {
    "push.jsonl", "email.jsonl", "decisions.jsonl", "conversions.jsonl"
  };

  private ReplayFixture one;
  private ReplayFixture two;

  @BeforeAll
  void replay() throws Exception {
    one = inputs().run(TestDirs.create("dup-1-"), 1, JobConfig.load(null));
    two = inputs().run(TestDirs.create("dup-2-"), 2, JobConfig.load(null));
  }

  private static ReplayFixture inputs() {
    ReplayFixture f = new ReplayFixture();
    // The same id with another item, and an identical redelivery: both ignored.
    f.profile("k-dup-a");
    f.event("a-1", "ADD_TO_CART", DAY1 + "10:00:00Z", "WEB", null, null, "k-dup-a", true, "SKU-A1");
    f.event("a-1", "ADD_TO_CART", DAY1 + "10:05:00Z", "WEB", null, null, "k-dup-a", true, "SKU-A2");
    f.event("a-1", "ADD_TO_CART", DAY1 + "10:00:00Z", "WEB", null, null, "k-dup-a", true, "SKU-A1");

    // A purchase reusing the cart's id: ignored, so the cart is still abandoned.
    f.profile("k-dup-b");
    f.event("b-1", "ADD_TO_CART", DAY1 + "10:00:00Z", "WEB", null, null, "k-dup-b", true, "SKU-B");
    f.event("b-1", "PURCHASE", DAY1 + "10:20:00Z", "WEB", null, null, "k-dup-b", true, "SKU-B");

    // A purchase id reused two days later is outside the limit: that purchase counts.
    f.profile("k-dup-c");
    f.event(
        "c-add-1", "ADD_TO_CART", DAY1 + "10:00:00Z", "WEB", null, null, "k-dup-c", true, "SKU-C1");
    f.event("c-buy", "PURCHASE", DAY1 + "10:10:00Z", "WEB", null, null, "k-dup-c", true, "SKU-C1");
    f.event(
        "c-add-2", "ADD_TO_CART", DAY3 + "10:00:00Z", "WEB", null, null, "k-dup-c", true, "SKU-C2");
    f.event("c-buy", "PURCHASE", DAY3 + "10:10:00Z", "WEB", null, null, "k-dup-c", true, "SKU-C2");
    return f;
  }

  @Test
  void firstRecordWinsWithinTheLimit() throws Exception {
    assertThat(one.commands("k-dup-a"))
        .containsExactly("EMAIL step 1 at " + DAY1 + "10:30:00Z skus [SKU-A1]");
  }

  @Test
  void duplicatePurchaseChangesNothing() throws Exception {
    assertThat(one.commands("k-dup-b"))
        .containsExactly("EMAIL step 1 at " + DAY1 + "10:30:00Z skus [SKU-B]");
  }

  @Test
  void reusedIdAfterTheLimitIsProcessed() throws Exception {
    assertThat(one.commands("k-dup-c")).isEmpty();
  }

  @Test
  void duplicatesAreCounted() {
    assertThat(one.metrics.count(JobMetric.DUPLICATES_DROPPED)).isEqualTo(3);
    assertThat(two.metrics.count(JobMetric.DUPLICATES_DROPPED)).isEqualTo(3);
  }

  @Test
  void outcomeDoesNotDependOnParallelism() throws Exception {
    for (String file : OUTPUTS) {
      List<String> a = Files.readAllLines(one.out.resolve(file));
      List<String> b = Files.readAllLines(two.out.resolve(file));
      assertThat(b).as(file).isEqualTo(a);
    }
  }
}
