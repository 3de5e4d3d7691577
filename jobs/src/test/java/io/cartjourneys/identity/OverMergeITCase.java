package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.replay.ReplayFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks that try to pull many customers into one person, all in one replay at parallelism 2: one
 * device logged into by 1,000 customers, one cookie by 10,000, one email on 2,000 profiles and on
 * 5,000 cookies, a chain of 1,000 cookie-device links, and block-listed identifiers. Every
 * customer's cart is a single item of its own, so a merge would show as a foreign item in a command
 * or as a cart of more than one line.
 *
 * <p>Customers of one shared device or cookie take turns more than the inactivity period (30 min)
 * apart: abandonment is detected per identifier, so another person's cart change on the same device
 * within that period would cancel the first person's abandonment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OverMergeITCase {
  private static final Instant BASE = Instant.parse("2026-03-10T00:00:00Z");
  private static final int DEVICE_USERS = 1_000;
  private static final int COOKIE_USERS = 10_000;

  /** One in this many cookie users has a CRM profile and so gets commands. */
  private static final int COOKIE_PROFILE_EVERY = 100;

  private static final int SHARED_EMAIL_PROFILES = 2_000;
  private static final int SHARED_EMAIL_COOKIES = 5_000;
  private static final int CHAIN = 1_000;
  private static final int BLOCKED_LINKS = 50;

  /** Seconds between two customers' turns on one device or cookie: beyond the inactivity. */
  private static final long TURN_SECONDS = 31 * 60;

  private final ReplayFixture f = new ReplayFixture();
  private final Map<String, List<JsonNode>> commandsByCustomer = new HashMap<>();

  @BeforeAll
  void replay() throws Exception {
    sharedDevice();
    sharedCookie();
    sharedEmailOnProfiles();
    sharedEmailOnCookies();
    chain();
    blockListed();
    JobConfig config = JobConfig.load(null);
    config.identity.blockList = List.of("d-blocked-om", "blocked-om@x.example");
    f.run(TestDirs.create("over-merge"), 2, config);
    List<JsonNode> all = new ArrayList<>(f.read("push.jsonl"));
    all.addAll(f.read("email.jsonl"));
    for (JsonNode c : all) {
      commandsByCustomer
          .computeIfAbsent(c.path("customer_id").asText(), k -> new ArrayList<>())
          .add(c);
    }
  }

  private static String at(long seconds) {
    return BASE.plusSeconds(seconds).toString();
  }

  private void profile(String customer, String email) {
    f.profiles.add(
        "{\"customer_id\":\""
            + customer
            + "\",\"emails\":[\""
            + email
            + "\"],"
            + "\"time_zone\":\"UTC\",\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
  }

  /** Each customer logs in on the kiosk device, then adds one item on it anonymously. */
  private void sharedDevice() {
    for (int i = 0; i < DEVICE_USERS; i++) {
      String k = "k-dev-" + i;
      long t = TURN_SECONDS * i;
      profile(k, k + "@x.example");
      f.events.add(
          "{\"event_id\":\"dev-login-"
              + i
              + "\",\"event_type\":\"LOGIN\",\"occurred_at\":\""
              + at(t)
              + "\",\"channel\":\"MOBILE_APP\",\"device_id\":\"d-kiosk\","
              + "\"customer_id\":\""
              + k
              + "\",\"authenticated\":true,"
              + "\"push_token\":\"tok-dev-"
              + i
              + "\"}");
      f.event(
          "dev-cart-" + i,
          "ADD_TO_CART",
          at(t + 30),
          "MOBILE_APP",
          null,
          "d-kiosk",
          null,
          false,
          "SKU-DEV-" + i);
    }
  }

  /** Each customer logs in on the one cookie, then adds one item on it anonymously. */
  private void sharedCookie() {
    for (int i = 0; i < COOKIE_USERS; i++) {
      String k = "k-turn-" + i;
      long t = TURN_SECONDS * i;
      if (i % COOKIE_PROFILE_EVERY == 0) {
        profile(k, k + "@x.example");
      }
      f.event("turn-login-" + i, "LOGIN", at(t), "WEB", "c-turn", null, k, true, null);
      f.event(
          "turn-cart-" + i,
          "ADD_TO_CART",
          at(t + 5),
          "WEB",
          "c-turn",
          null,
          null,
          false,
          "SKU-TURN-" + i);
    }
  }

  /** Thousands of profiles list one address; each customer has a cart of its own. */
  private void sharedEmailOnProfiles() {
    for (int i = 0; i < SHARED_EMAIL_PROFILES; i++) {
      String k = "k-prof-" + i;
      profile(k, "shared-om@x.example");
      f.event(
          "prof-cart-" + i, "ADD_TO_CART", at(7L * i), "WEB", null, null, k, true, "SKU-PROF-" + i);
    }
  }

  /** Authenticated links tie 5,000 cookies to one customer's email; two of them have carts. */
  private void sharedEmailOnCookies() {
    profile("k-mail-victim", "victim-om@x.example");
    for (int i = 0; i < SHARED_EMAIL_COOKIES; i++) {
      f.link(
          "mail-link-" + i, at(i), "anonymous_id", "c-mail-" + i, "email", "victim-om@x.example");
    }
    f.event(
        "mail-cart-in",
        "ADD_TO_CART",
        at(SHARED_EMAIL_COOKIES + 10),
        "WEB",
        "c-mail-10",
        null,
        null,
        false,
        "SKU-MAIL-IN");
    f.event(
        "mail-cart-out",
        "ADD_TO_CART",
        at(SHARED_EMAIL_COOKIES + 11),
        "WEB",
        "c-mail-4999",
        null,
        null,
        false,
        "SKU-MAIL-OUT");
  }

  /**
   * Cookie i links to device i and then cookie i + 1 to device i: a chain of 1,000 links with a
   * customer at each end. A cookie points at one device at a time, so nothing travels along it.
   */
  private void chain() {
    profile("k-chain-a", "chain-a@x.example");
    profile("k-chain-b", "chain-b@x.example");
    for (int i = 0; i < CHAIN; i++) {
      f.link("chain-own-" + i, at(2L * i), "anonymous_id", "c-ch-" + i, "device_id", "d-ch-" + i);
      f.link(
          "chain-next-" + i,
          at(2L * i + 1),
          "anonymous_id",
          "c-ch-" + (i + 1),
          "device_id",
          "d-ch-" + i);
    }
    long after = 2L * CHAIN + 10;
    f.event(
        "chain-login-a", "LOGIN", at(after), "MOBILE_APP", null, "d-ch-0", "k-chain-a", true, null);
    f.event(
        "chain-login-b",
        "LOGIN",
        at(after),
        "MOBILE_APP",
        null,
        "d-ch-" + (CHAIN - 1),
        "k-chain-b",
        true,
        null);
    f.event(
        "chain-cart-a",
        "ADD_TO_CART",
        at(after + 5),
        "WEB",
        "c-ch-0",
        null,
        null,
        false,
        "SKU-CH-A");
    f.event(
        "chain-cart-mid",
        "ADD_TO_CART",
        at(after + 5),
        "WEB",
        "c-ch-500",
        null,
        null,
        false,
        "SKU-CH-MID");
    f.event(
        "chain-cart-b",
        "ADD_TO_CART",
        at(after + 5),
        "WEB",
        "c-ch-" + (CHAIN - 1),
        null,
        null,
        false,
        "SKU-CH-B");
  }

  /** Links that name a block-listed device or email link nothing. */
  private void blockListed() {
    for (int i = 0; i < BLOCKED_LINKS; i++) {
      String k = "k-block-" + i;
      profile(k, k + "@x.example");
      f.link("block-link-" + i, at(i), "device_id", "d-blocked-om", "customer_id", k);
    }
    f.link("block-mail", at(60), "anonymous_id", "c-block-mail", "email", "blocked-om@x.example");
    f.event(
        "block-cart-device",
        "ADD_TO_CART",
        at(120),
        "MOBILE_APP",
        null,
        "d-blocked-om",
        null,
        false,
        "SKU-BLOCKED-DEVICE");
    f.event(
        "block-cart-mail",
        "ADD_TO_CART",
        at(120),
        "WEB",
        "c-block-mail",
        null,
        null,
        false,
        "SKU-BLOCKED-MAIL");
  }

  private List<String> skus(String customer) {
    List<String> skus = new ArrayList<>();
    for (JsonNode c : commandsByCustomer.getOrDefault(customer, List.of())) {
      c.path("items").forEach(i -> skus.add(i.path("sku").asText()));
    }
    return skus;
  }

  @Test
  void sharedDeviceMovesAndNeverMergesCustomers() {
    for (int i = 0; i < DEVICE_USERS; i++) {
      String k = "k-dev-" + i;
      assertThat(skus(k)).as(k).isNotEmpty().containsOnly("SKU-DEV-" + i);
      for (JsonNode c : commandsByCustomer.get(k)) {
        if (c.path("channel").asText().equals("PUSH")) {
          assertThat(c.path("recipient").asText()).as(k).isEqualTo("tok-dev-" + i);
        }
      }
    }
  }

  @Test
  void sharedCookieMovesAndNeverMergesCustomers() throws Exception {
    for (int i = 0; i < COOKIE_USERS; i += COOKIE_PROFILE_EVERY) {
      assertThat(skus("k-turn-" + i)).as("k-turn-" + i).isNotEmpty().containsOnly("SKU-TURN-" + i);
    }
    List<JsonNode> noProfile =
        f.read("decisions.jsonl").stream()
            .filter(d -> d.path("customer_id").asText().startsWith("k-turn-"))
            .filter(d -> "no-crm-profile".equals(d.path("reason").asText()))
            .toList();
    assertThat(noProfile).hasSize(COOKIE_USERS - COOKIE_USERS / COOKIE_PROFILE_EVERY);
    assertThat(noProfile)
        .allSatisfy(d -> assertThat(d.path("facts").path("cart_lines").asText()).isEqualTo("1"));
  }

  @Test
  void sharedEmailOnProfilesMergesNobody() {
    for (int i = 0; i < SHARED_EMAIL_PROFILES; i++) {
      assertThat(skus("k-prof-" + i)).as("k-prof-" + i).containsExactly("SKU-PROF-" + i);
    }
  }

  @Test
  void sharedEmailOnCookiesLinksAtMostTheLimit() throws Exception {
    assertThat(skus("k-mail-victim")).containsExactly("SKU-MAIL-IN");
    long rejected =
        f.read("decisions.jsonl").stream()
            .filter(d -> "per-person-limit".equals(d.path("reason").asText()))
            .filter(d -> "k-mail-victim".equals(d.path("customer_id").asText()))
            .count();
    assertThat(rejected).isEqualTo(SHARED_EMAIL_COOKIES - 100);
  }

  @Test
  void chainCarriesNothingAlongIt() {
    assertThat(skus("k-chain-a")).containsExactly("SKU-CH-A");
    assertThat(skus("k-chain-b")).containsExactly("SKU-CH-B");
  }

  @Test
  void blockListedIdentifiersLinkNothing() throws Exception {
    // The links, the email link, and the cart event on the blocked device.
    assertThat(f.decisions("REJECTED_LINK", "blocked-identifier")).isEqualTo(BLOCKED_LINKS + 2);
    for (int i = 0; i < BLOCKED_LINKS; i++) {
      assertThat(skus("k-block-" + i)).as("k-block-" + i).isEmpty();
    }
  }

  @Test
  void noCommandCarriesAnotherCustomersItem() {
    for (Map.Entry<String, List<JsonNode>> e : commandsByCustomer.entrySet()) {
      String customer = e.getKey();
      for (String sku : skus(customer)) {
        assertThat(sku)
            .as("item in a command to %s", customer)
            .isNotIn("SKU-CH-MID", "SKU-MAIL-OUT", "SKU-BLOCKED-DEVICE", "SKU-BLOCKED-MAIL");
      }
    }
  }
}
