package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.metrics.InMemoryReporter;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.replay.ReplayFixture;
import java.nio.file.Files;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who owns an identifier, checked in one replay at parallelism 2: push tokens follow a shared
 * device to whoever authenticated on it last, an email or phone never joins two customers, and an
 * erased customer leaves no pointer behind. Each group of customers exercises one rule. Profiles
 * are in UTC, so quiet hours (22:00-08:00) never apply to these times.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityOwnershipITCase {
  private static final Instant TEN = Instant.parse("2026-03-10T10:00:00Z");
  private final ReplayFixture f = new ReplayFixture();
  private InMemoryReporter metrics;

  @BeforeAll
  void replay() throws Exception {
    sharedDeviceTokens();
    conflictingContacts();
    erasure();
    f.run(TestDirs.create("ownership"), 2, JobConfig.load(null));
    metrics = f.metrics;
  }

  private static String at(int minutesAfterTen) {
    return TEN.plusSeconds(60L * minutesAfterTen).toString();
  }

  /** A consenting UTC profile with the given emails, updated on the given day of March 2026. */
  private void profile(String id, int day, String... emails) {
    f.profiles.add(
        "{\"customer_id\":\"" + id + "\",\"emails\":" + quoted(emails) + ",\"time_zone\":\"UTC\","
            + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
            + String.format("\"updated_at\":\"2026-03-%02dT00:00:00Z\"}", day));
  }

  private static String quoted(String... values) {
    List<String> q = new ArrayList<>();
    for (String v : values) {
      q.add('"' + v + '"');
    }
    return "[" + String.join(",", q) + "]";
  }

  /** An authenticated app login that carries a push token. */
  private static String login(String id, String at, String device, String customer, String token) {
    return "{\"event_id\":\"" + id + "\",\"event_type\":\"LOGIN\",\"occurred_at\":\"" + at
        + "\",\"channel\":\"MOBILE_APP\",\"device_id\":\"" + device + "\",\"customer_id\":\""
        + customer + "\",\"authenticated\":true,\"push_token\":\"" + token + "\"}";
  }

  private void sharedDeviceTokens() {
    // k-tok-a logs in on d-tok, then k-tok-b does, both with the device's token. A cart of
    // k-tok-a on another device afterwards must not be pushed to that token.
    profile("k-tok-a", 1, "k-tok-a@example.com");
    profile("k-tok-b", 1, "k-tok-b@example.com");
    f.events.add(login("ta-1", at(0), "d-tok", "k-tok-a", "tok-shared"));
    f.events.add(login("tb-1", at(60), "d-tok", "k-tok-b", "tok-shared"));
    f.event("tb-2", "ADD_TO_CART", at(65), "MOBILE_APP", null, "d-tok", null, false, "SKU-TB");
    f.event("ta-2", "ADD_TO_CART", at(70), "MOBILE_APP", null, "d-ta-2", "k-tok-a", true, "SKU-TA");

    // k-tok-c loses the shared device's token to k-tok-d and falls back to its own older token.
    profile("k-tok-c", 1, "k-tok-c@example.com");
    profile("k-tok-d", 1, "k-tok-d@example.com");
    f.events.add(login("tc-1", at(-60), "d-c-own", "k-tok-c", "tok-c-own"));
    f.events.add(login("tc-2", at(0), "d-tok2", "k-tok-c", "tok-shared2"));
    f.events.add(login("td-1", at(60), "d-tok2", "k-tok-d", "tok-shared2"));
    f.event(
        "tc-3", "ADD_TO_CART", at(70), "MOBILE_APP", null, "d-c-own", "k-tok-c", true, "SKU-TC");

    // A LOGOUT on the device ends its token for k-tok-e and its anonymous activity afterwards.
    profile("k-tok-e", 1, "k-tok-e@example.com");
    f.events.add(login("te-1", at(0), "d-tok3", "k-tok-e", "tok-e"));
    f.event("te-2", "LOGOUT", at(60), "MOBILE_APP", null, "d-tok3", null, false, null);
    f.event("te-3", "ADD_TO_CART", at(70), "MOBILE_APP", null, "d-te-2", "k-tok-e", true, "SKU-TE");
    f.event(
        "te-4", "ADD_TO_CART", at(75), "MOBILE_APP", null, "d-tok3", null, false, "SKU-TE-ANON");

    // k-tok-h's cart on the shared device is decided after k-tok-i logged in on it: it stays
    // k-tok-h's, and goes by email because the device's token went to k-tok-i.
    profile("k-tok-h", 1, "k-tok-h@example.com");
    profile("k-tok-i", 1, "k-tok-i@example.com");
    f.events.add(login("th-1", at(0), "d-tok5", "k-tok-h", "tok-h"));
    f.event("th-2", "ADD_TO_CART", at(5), "MOBILE_APP", null, "d-tok5", null, false, "SKU-TH");
    f.events.add(login("ti-1", at(20), "d-tok5", "k-tok-i", "tok-i"));

    // A login of k-tok-f from before k-tok-g's arrives hours late: the device stays with k-tok-g.
    profile("k-tok-f", 1, "k-tok-f@example.com");
    profile("k-tok-g", 1, "k-tok-g@example.com");
    f.events.add(login("tf-1", at(0), "d-tok4", "k-tok-f", "tok-f"));
    f.events.add(login("tg-1", at(60), "d-tok4", "k-tok-g", "tok-g"));
    f.late.add(login("tf-late", at(30), "d-tok4", "k-tok-f", "tok-f"));
    f.late.add(
        "{\"event_id\":\"tg-2\",\"event_type\":\"ADD_TO_CART\",\"occurred_at\":\"" + at(180)
            + "\",\"channel\":\"MOBILE_APP\",\"device_id\":\"d-tok4\",\"authenticated\":false,"
            + "\"items\":[{\"sku\":\"SKU-TG\",\"price\":10.0,\"currency\":\"EUR\","
            + "\"quantity\":1}]}");
  }

  private void conflictingContacts() {
    // Two profiles list one address; the first keeps it. A cookie linked by that address belongs
    // to k-con-a, and k-con-b's claims on it (profile, event, link) are rejected.
    profile("k-con-a", 1, "shared-con@example.com");
    profile("k-con-b", 2, "k-con-b@example.com", "shared-con@example.com");
    f.event("ca-1", "ADD_TO_CART", at(0), "WEB", "c-con", null, null, false, "SKU-CON");
    f.link("lk-con", at(2), "anonymous_id", "c-con", "email", " Shared-Con@Example.com");
    f.events.add(
        "{\"event_id\":\"cb-1\",\"event_type\":\"LOGIN\",\"occurred_at\":\"" + at(5)
            + "\",\"channel\":\"WEB\",\"anonymous_id\":\"c-con-b\",\"customer_id\":\"k-con-b\","
            + "\"email\":\"shared-con@example.com\",\"authenticated\":true}");
    // A link naming k-con-b with the address still links its cookie to k-con-b.
    f.link("lk-con-b", at(3), "customer_id", "k-con-b", "anonymous_id", "c-con-3",
        "email", "shared-con@example.com");
    f.event("cb-2", "ADD_TO_CART", at(10), "WEB", "c-con-3", null, null, false, "SKU-CON3");

    // The owner's next profile drops the address: the waiting claimant takes it over.
    profile("k-con-c", 1, "moving-con@example.com");
    profile("k-con-d", 2, "moving-con@example.com");
    profile("k-con-c", 3, "k-con-c@example.com");
    f.event("cd-1", "ADD_TO_CART", at(0), "WEB", "c-con-2", null, null, false, "SKU-CON2");
    f.link("lk-con-2", at(2), "anonymous_id", "c-con-2", "email", "moving-con@example.com");
  }

  private void erasure() {
    // k-erase is linked on a cookie, a device and an email, is pushed once, then erased. Later
    // anonymous activity on those identifiers must not reach k-erase; the device's held history
    // goes to the next customer who logs in on it, as for a device nobody owns.
    f.profiles.add(
        "{\"customer_id\":\"k-erase\",\"emails\":[\"k-erase@example.com\"],"
            + "\"phones\":[\"+1 415-555-0199\"],\"time_zone\":\"UTC\","
            + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
    f.profiles.add(
        "{\"customer_id\":\"k-erase\",\"deleted\":true,\"updated_at\":\"" + at(0) + "\"}");
    profile("k-after", 1, "k-after@example.com");
    f.event("e-1", "LOGIN", at(-60), "WEB", "c-erase", null, "k-erase", true, null);
    f.events.add(login("e-2", at(-59), "d-erase", "k-erase", "push-e1"));
    f.event("e-3", "ADD_TO_CART", at(-50), "MOBILE_APP", null, "d-erase", null, false, "SKU-E1");
    f.event("e-4", "ADD_TO_CART", at(30), "WEB", "c-erase", null, null, false, "SKU-E2");
    f.event("e-5", "ADD_TO_CART", at(35), "MOBILE_APP", null, "d-erase", null, false, "SKU-E3");
    f.event("e-6", "ADD_TO_CART", at(38), "WEB", "c-erase-2", null, null, false, "SKU-E4");
    f.link("lk-erase", at(40), "anonymous_id", "c-erase-2", "email", "k-erase@example.com");
    f.link("lk-erase-phone", at(41), "anonymous_id", "c-erase-3", "phone", "+14155550199");
    f.event("e-7", "ADD_TO_CART", at(42), "WEB", "c-erase-3", null, null, false, "SKU-E6");
    f.event("e-8", "LOGIN", at(60), "MOBILE_APP", null, "d-erase", "k-after", true, null);
    f.event("e-9", "ADD_TO_CART", at(100), "WEB", "c-erase-4", null, "k-erase", true, "SKU-E5");
  }

  private List<JsonNode> decisions(String outcome, String reason) throws Exception {
    return f.read("decisions.jsonl").stream()
        .filter(d -> outcome.equals(d.path("outcome").asText()))
        .filter(d -> reason.equals(d.path("reason").asText()))
        .toList();
  }

  private List<String> pushRecipients(String customer) throws Exception {
    return f.read("push.jsonl").stream()
        .filter(c -> customer.equals(c.path("customer_id").asText()))
        .map(c -> c.path("recipient").asText())
        .toList();
  }

  private static Instant decidedAt(JsonNode d) {
    return OffsetDateTime.parse(d.path("decided_at").asText()).toInstant();
  }

  @Test
  void earlierCustomerLosesTheSharedDeviceToken() throws Exception {
    assertThat(f.commands("k-tok-a"))
        .containsExactly("EMAIL step 1 at " + at(100) + " skus [SKU-TA]");
    assertThat(pushRecipients("k-tok-a")).isEmpty();
  }

  @Test
  void laterCustomerGetsThePushWithTheToken() throws Exception {
    assertThat(f.commands("k-tok-b"))
        .containsExactly(
            "EMAIL step 2 at " + at(335) + " skus [SKU-TB]",
            "PUSH step 1 at " + at(95) + " skus [SKU-TB]");
    assertThat(pushRecipients("k-tok-b")).containsExactly("tok-shared");
  }

  @Test
  void sharedDeviceMoveIsAudited() throws Exception {
    assertThat(decisions("LINK_MOVED", "authenticated-as-another-customer"))
        .filteredOn(d -> d.path("customer_id").asText().equals("k-tok-b"))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.path("facts").path("previous_customer_id").asText())
                  .isEqualTo("k-tok-a");
              assertThat(d.path("facts").path("identifier_kind").asText()).isEqualTo("device_id");
              assertThat(decidedAt(d)).isEqualTo(at(60));
            });
  }

  @Test
  void olderTokenOfAnotherDeviceTakesOver() throws Exception {
    assertThat(f.commands("k-tok-c"))
        .containsExactly(
            "EMAIL step 2 at " + at(340) + " skus [SKU-TC]",
            "PUSH step 1 at " + at(100) + " skus [SKU-TC]");
    assertThat(pushRecipients("k-tok-c")).containsExactly("tok-c-own");
    assertThat(f.commands("k-tok-d")).isEmpty();
  }

  @Test
  void logoutEndsTheDeviceToken() throws Exception {
    assertThat(f.commands("k-tok-e"))
        .containsExactly("EMAIL step 1 at " + at(100) + " skus [SKU-TE]");
  }

  @Test
  void cartDecidedAfterTheDeviceMovedStaysWithItsOwner() throws Exception {
    assertThat(f.commands("k-tok-h"))
        .containsExactly("EMAIL step 1 at " + at(35) + " skus [SKU-TH]");
    assertThat(f.commands("k-tok-i")).isEmpty();
    assertThat(f.read("decisions.jsonl"))
        .filteredOn(d -> d.path("customer_id").asText().equals("k-tok-i"))
        .extracting(d -> d.path("outcome").asText())
        .containsExactly("LINK_MOVED");
  }

  @Test
  void lateLoginDoesNotTakeTheDeviceBack() throws Exception {
    assertThat(f.commands("k-tok-f")).isEmpty();
    assertThat(f.commands("k-tok-g"))
        .containsExactly(
            "EMAIL step 2 at " + at(450) + " skus [SKU-TG]",
            "PUSH step 1 at " + at(210) + " skus [SKU-TG]");
    assertThat(pushRecipients("k-tok-g")).containsExactly("tok-g");
  }

  @Test
  void addressListedByTwoProfilesStaysWithTheFirst() throws Exception {
    assertThat(f.commands("k-con-a"))
        .containsExactly("EMAIL step 1 at " + at(30) + " skus [SKU-CON]");
    assertThat(f.commands("k-con-b"))
        .containsExactly("EMAIL step 1 at " + at(40) + " skus [SKU-CON3]");
  }

  @Test
  void claimsOnAnotherCustomersAddressAreRejected() throws Exception {
    List<JsonNode> rejected = decisions("REJECTED_LINK", "owned-by-another-customer");
    assertThat(rejected)
        .extracting(d -> d.path("facts").path("record_kind").asText())
        .containsExactlyInAnyOrder("PROFILE", "EVENT", "LINK", "PROFILE");
    assertThat(rejected)
        .filteredOn(d -> d.path("customer_id").asText().equals("k-con-b"))
        .hasSize(3)
        .allSatisfy(
            d -> {
              assertThat(d.path("facts").path("owner_customer_id").asText()).isEqualTo("k-con-a");
              assertThat(d.path("facts").path("identifier_kind").asText()).isEqualTo("email");
            });
    assertThat(rejected)
        .filteredOn(d -> d.path("customer_id").asText().equals("k-con-d"))
        .singleElement()
        .satisfies(
            d -> assertThat(d.path("facts").path("owner_customer_id").asText())
                .isEqualTo("k-con-c"));
  }

  @Test
  void unlistedAddressPassesToTheWaitingClaimant() throws Exception {
    assertThat(f.commands("k-con-c")).isEmpty();
    assertThat(f.commands("k-con-d"))
        .containsExactly("EMAIL step 1 at " + at(30) + " skus [SKU-CON2]");
    assertThat(decisions("LINK_MOVED", "previous-owner-unlisted"))
        .singleElement()
        .satisfies(d -> assertThat(d.path("customer_id").asText()).isEqualTo("k-con-d"));
  }

  @Test
  void erasedCustomerIsNamedByNothingAfterTheErasure() throws Exception {
    assertThat(f.commands("k-erase"))
        .containsExactly("PUSH step 1 at " + at(-20) + " skus [SKU-E1]");
    // One for the person, one for the journey whose follow-up email was still due.
    assertThat(decisions("EXITED", "erased"))
        .hasSize(2)
        .allSatisfy(
            d -> {
              assertThat(d.path("customer_id").asText()).isEqualTo("k-erase");
              assertThat(decidedAt(d)).isEqualTo(at(0));
            });
    for (String file : List.of("decisions.jsonl", "push.jsonl", "email.jsonl")) {
      for (String line : Files.readAllLines(f.out.resolve(file))) {
        if (!line.contains("k-erase")) {
          continue;
        }
        JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        String time = n.has("decided_at") ? "decided_at" : "deliver_after";
        assertThat(OffsetDateTime.parse(n.path(time).asText()).toInstant())
            .as("%s line naming the erased customer: %s", file, line)
            .isBeforeOrEqualTo(Instant.parse(at(0)));
      }
    }
  }

  @Test
  void erasedCustomersIdentifiersLinkNobodyAfterwards() throws Exception {
    // The device's held cart goes to the next customer who logs in on it; the cookie's and the
    // address-linked cookies' carts stay anonymous.
    assertThat(f.commands("k-after"))
        .containsExactly("EMAIL step 1 at " + at(65) + " skus [SKU-E3]");
    List<String> skus = new ArrayList<>();
    for (String file : List.of("push.jsonl", "email.jsonl")) {
      for (JsonNode c : f.read(file)) {
        c.path("items").forEach(i -> skus.add(i.path("sku").asText()));
      }
    }
    assertThat(skus).doesNotContain("SKU-E2", "SKU-E4", "SKU-E5", "SKU-E6");
  }

  @Test
  void ownershipChangesAreCounted() {
    assertThat(metrics.count(JobMetric.LINKS_REJECTED, "owned-by-another-customer")).isEqualTo(4);
    // d-tok, d-tok2, d-tok4 and d-tok5 change hands; the late login on d-tok4 does not.
    assertThat(metrics.count(JobMetric.LINKS_MOVED, "authenticated-as-another-customer"))
        .isEqualTo(4);
    assertThat(metrics.count(JobMetric.LINKS_MOVED, "previous-owner-unlisted")).isEqualTo(1);
    // k-erase's email, phone, cookie and device, and the cookie on its record after erasure.
    assertThat(metrics.count(JobMetric.LINKS_ERASED)).isEqualTo(5);
  }
}
