package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.replay.ReplayFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Identity rules checked in one replay: each customer exercises one rule. Web-only customers get
 * email as their first touch at cart change + 30 minutes, or at the moment their cart resolves if
 * that is later.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityStitchingITCase {
  private static final String DAY = "2026-03-10T";
  private final ReplayFixture f = new ReplayFixture();

  /** Times (minutes after 10:00) of the cookie-to-device link and of the device login. */
  private static final int[][] CHAIN_ORDERS = {
    {5, 10}, {10, 5}, {5, 5}, {40, 50}, {50, 40}, {-20, 5}, {5, -20}, {-30, -20}
  };

  @BeforeAll
  void replay() throws Exception {
    // cookie -> device -> customer, with the two links in every order, before and after the
    // decision time, and before the cart itself.
    for (int i = 0; i < CHAIN_ORDERS.length; i++) {
      String k = "k-chain-" + i;
      f.profile(k);
      f.event("ch-" + i, "ADD_TO_CART", at(0), "WEB", "c-chain-" + i, null, null, false, "SKU-C" + i);
      f.link("lk-chain-" + i, at(CHAIN_ORDERS[i][0]), "anonymous_id", "c-chain-" + i,
          "device_id", "d-chain-" + i);
      f.event("lg-chain-" + i, "LOGIN", at(CHAIN_ORDERS[i][1]), "WEB", null, "d-chain-" + i, k,
          true, null);
    }

    // An authenticated link that names only an email reaches the customer through the profile.
    f.profile("k-mail");
    f.event("m1", "ADD_TO_CART", at(0), "WEB", "c-mail", null, null, false, "SKU-M");
    f.link("lk-mail", at(2), "anonymous_id", "c-mail", "email", " K-Mail@Example.COM");

    // ...and one that names only a phone, written in national format.
    f.profile("k-phone", "+1 415-555-0132");
    f.event("p1", "ADD_TO_CART", at(0), "WEB", "c-phone", null, null, false, "SKU-P");
    f.link("lk-phone", at(2), "anonymous_id", "c-phone", "phone", "(415) 555-0132");

    // A placeholder cookie shared by two customers links nobody.
    String zero = "00000000-0000-0000-0000-000000000000";
    f.profile("k-zero-a").profile("k-zero-b");
    f.event("z1", "LOGIN", at(-60), "WEB", zero, null, "k-zero-a", true, null);
    f.event("z2", "LOGIN", at(-50), "WEB", zero, null, "k-zero-b", true, null);
    f.event("z3", "ADD_TO_CART", at(0), "WEB", zero, null, null, false, "SKU-Z");

    // A shared device moves to whoever authenticated last; earlier activity stays put.
    f.profile("k-share-a").profile("k-share-b");
    f.event("s1", "LOGIN", at(-120), "MOBILE_APP", null, "d-share", "k-share-a", true, null);
    f.event("s2", "ADD_TO_CART", at(-110), "MOBILE_APP", null, "d-share", null, false, "SKU-SA");
    f.event("s3", "LOGIN", at(0), "MOBILE_APP", null, "d-share", "k-share-b", true, null);
    f.event("s4", "ADD_TO_CART", at(10), "MOBILE_APP", null, "d-share", null, false, "SKU-SB");

    // One login replayed on many cookies, 100 ms apart: only the first 100 cookies join the
    // customer.
    f.profile("k-many");
    Instant replayed = Instant.parse(DAY + "08:00:00Z");
    for (int i = 0; i < 10_000; i++) {
      f.event("mc-" + i, "LOGIN", replayed.plusMillis(100L * i).toString(), "WEB", "c-many-" + i,
          null, "k-many", true, null);
    }
    f.event("mc-cart-1", "ADD_TO_CART", at(0), "WEB", "c-many-50", null, null, false, "SKU-IN");
    f.event("mc-cart-2", "ADD_TO_CART", at(1), "WEB", "c-many-5000", null, null, false, "SKU-OUT");

    // A purchase counts on any identifier: an unauthenticated server-side order record that names
    // only the customer's email still stops the journey.
    f.profile("k-order");
    f.event("o1", "LOGIN", at(-5), "MOBILE_APP", null, "d-order", "k-order", true, null);
    f.event("o2", "ADD_TO_CART", at(0), "MOBILE_APP", null, "d-order", null, false, "SKU-O");
    f.events.add(
        "{\"event_id\":\"o3\",\"event_type\":\"PURCHASE\",\"occurred_at\":\"" + at(20)
            + "\",\"channel\":\"WEB\",\"authenticated\":false,"
            + "\"email\":\"k-order@example.com\",\"order_id\":\"ord-1\"}");

    f.run(TestDirs.create("identity"), 2, JobConfig.load(null));
  }

  private static String at(int minutesAfterTen) {
    return Instant.parse(DAY + "10:00:00Z").plusSeconds(60L * minutesAfterTen).toString();
  }

  @Test
  void chainResolvesInAnyOrder() throws Exception {
    for (int i = 0; i < CHAIN_ORDERS.length; i++) {
      int resolvedAt = Math.max(0, Math.max(CHAIN_ORDERS[i][0], CHAIN_ORDERS[i][1]));
      String expected = "EMAIL step 1 at " + at(Math.max(30, resolvedAt)) + " skus [SKU-C" + i + "]";
      assertThat(f.commands("k-chain-" + i)).as("link order %d", i).containsExactly(expected);
    }
  }

  @Test
  void emailOnlyLinkReachesTheProfileOwner() throws Exception {
    assertThat(f.commands("k-mail")).containsExactly("EMAIL step 1 at " + at(30) + " skus [SKU-M]");
  }

  @Test
  void phoneOnlyLinkReachesTheProfileOwner() throws Exception {
    assertThat(f.commands("k-phone")).containsExactly("EMAIL step 1 at " + at(30) + " skus [SKU-P]");
  }

  @Test
  void unauthenticatedOrderByEmailStopsTheJourney() throws Exception {
    assertThat(f.commands("k-order")).isEmpty();
    assertThat(f.decisions("SUPPRESSED", "purchased")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void placeholderCookieLinksNobody() throws Exception {
    assertThat(f.commands("k-zero-a")).isEmpty();
    assertThat(f.commands("k-zero-b")).isEmpty();
    assertThat(f.decisions("REJECTED_LINK", "all-zero-identifier")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void sharedDeviceMovesOnTheLastLogin() throws Exception {
    List<String> a = f.commands("k-share-a");
    List<String> b = f.commands("k-share-b");
    assertThat(a).singleElement().asString().contains("SKU-SA").doesNotContain("SKU-SB");
    assertThat(b).singleElement().asString().contains("SKU-SB").doesNotContain("SKU-SA");
  }

  @Test
  void cookiesBeyondThePerPersonLimitLinkNothing() throws Exception {
    assertThat(f.commands("k-many")).containsExactly("EMAIL step 1 at " + at(30) + " skus [SKU-IN]");
    assertThat(f.decisions("REJECTED_LINK", "per-person-limit")).isEqualTo(9_900);
  }
}
