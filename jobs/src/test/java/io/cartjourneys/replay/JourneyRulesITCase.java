package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.model.Ids;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One replay in which each customer exercises one rule of the product, so that a single job run
 * checks many rules. Times are UTC on 2026-03-10 unless a test says otherwise; profiles are in UTC,
 * whose quiet hours are 22:00-08:00.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JourneyRulesITCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DAY = "2026-03-10T";

  private Path dir;
  private final List<String> events = new ArrayList<>();
  private final List<String> profiles = new ArrayList<>();
  private final List<String> links = new ArrayList<>();
  private final List<String> feedback = new ArrayList<>();
  private final List<String> lateEvents = new ArrayList<>();
  private Path out;

  @BeforeAll
  void replay() throws Exception {
    dir = TestDirs.create("journey-rules");
    // Web only, authenticated: email first touch, no follow-up.
    profile("k-email", "OPTED_IN", "OPTED_IN", "UTC");
    event("e1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-email", true, "SKU-1", null);

    // App user: push first; a purchase that arrives hours late still stops the follow-up.
    profile("k-late-buy", "OPTED_IN", "OPTED_IN", "UTC");
    event("l1", "LOGIN", "09:50", "MOBILE_APP", null, "d-late", "k-late-buy", true, null, "tok-late");
    event("l2", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-late", "k-late-buy", true, "SKU-2", null);
    lateEvents.add(
        eventJson("l3", "PURCHASE", "11:00", "MOBILE_APP", null, "d-late", "k-late-buy", true, "SKU-2", null));

    // No consent on any channel: suppressed.
    profile("k-noconsent", "OPTED_OUT", "UNKNOWN", "UTC");
    event("n1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-noconsent", true, "SKU-3", null);

    // Erased before the decision: nothing is sent.
    profile("k-erased", "OPTED_IN", "OPTED_IN", "UTC");
    event("x1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-erased", true, "SKU-4", null);
    profiles.add(
        "{\"customer_id\":\"k-erased\",\"updated_at\":\"" + DAY + "10:10:00Z\",\"deleted\":true}");

    // Push, then TOKEN_INVALID feedback: the follow-up email is due at the feedback's time.
    profile("k-token", "OPTED_IN", "OPTED_IN", "UTC");
    event("t1", "LOGIN", "09:50", "MOBILE_APP", null, "d-token", "k-token", true, null, "tok-bad");
    event("t2", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-token", "k-token", true, "SKU-5", null);
    String tokenJourney = Ids.journeyId("k-token", Instant.parse(DAY + "10:00:00Z").toEpochMilli());
    feedback.add(
        "{\"command_id\":\"" + Ids.commandId("k-token", tokenJourney, 1)
            + "\",\"status\":\"TOKEN_INVALID\",\"occurred_at\":\"" + DAY + "10:45:00Z\"}");

    // A second cart within the cooldown after a journey: suppressed.
    profile("k-cooldown", "OPTED_IN", "OPTED_IN", "UTC");
    event("c1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-cooldown", true, "SKU-6", null);
    event("c2", "PURCHASE", "11:00", "WEB", null, null, "k-cooldown", true, "SKU-6", null);
    event("c3", "ADD_TO_CART", "12:00", "WEB", null, null, "k-cooldown", true, "SKU-7", null);

    // Added and removed again: an empty cart is never abandoned.
    profile("k-empty", "OPTED_IN", "OPTED_IN", "UTC");
    event("r1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-empty", true, "SKU-8", null);
    event("r2", "REMOVE_FROM_CART", "10:05", "WEB", null, null, "k-empty", true, "SKU-8", null);

    // New York evening: the email waits for 08:00 local (EDT, UTC-4, after 2026-03-08).
    profile("k-newyork", "OPTED_IN", "OPTED_IN", "America/New_York");
    event("ny1", "ADD_TO_CART", "02:00", "WEB", null, null, "k-newyork", true, "SKU-9", null);

    // A purchase at the instant the follow-up is due wins.
    profile("k-instant", "OPTED_IN", "OPTED_IN", "UTC");
    event("i1", "LOGIN", "09:50", "MOBILE_APP", null, "d-instant", "k-instant", true, null, "tok-i");
    event("i2", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-instant", "k-instant", true, "SKU-10", null);
    event("i3", "PURCHASE", "14:30", "WEB", null, null, "k-instant", true, "SKU-10", null);

    // An anonymous cart that becomes known after the recency limit: not acted on.
    profile("k-stale", "OPTED_IN", "OPTED_IN", "UTC");
    event("s1", "ADD_TO_CART", "10:00", "WEB", "c-stale", null, null, false, "SKU-11", null);
    event("s2", "LOGIN", "2026-03-11T10:20", "WEB", "c-stale", null, "k-stale", true, null, null);

    // The same event delivered twice counts once.
    profile("k-dup", "OPTED_IN", "OPTED_IN", "UTC");
    event("dup1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-dup", true, "SKU-12", null);
    event("dup1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-dup", true, "SKU-12", null);

    // An unauthenticated link never joins a cookie to a customer.
    profile("k-unauth", "OPTED_IN", "OPTED_IN", "UTC");
    event("u1", "ADD_TO_CART", "10:00", "WEB", "c-unauth", null, null, false, "SKU-13", null);
    links.add(
        "{\"link_id\":\"lk-u\",\"occurred_at\":\"" + DAY + "10:01:00Z\",\"source\":\"form\","
            + "\"authenticated\":false,\"identifiers\":{\"anonymous_id\":\"c-unauth\","
            + "\"customer_id\":\"k-unauth\"}}");

    // After LOGOUT the shared device's anonymous cart is no longer this customer's.
    profile("k-logout", "OPTED_IN", "OPTED_IN", "UTC");
    event("o1", "LOGIN", "09:00", "MOBILE_APP", null, "d-shared", "k-logout", true, null, "tok-o");
    event("o2", "LOGOUT", "09:05", "MOBILE_APP", null, "d-shared", "k-logout", true, null, null);
    event("o3", "ADD_TO_CART", "09:10", "MOBILE_APP", null, "d-shared", null, false, "SKU-14", null);

    // A change on another identifier of the same person restarts the inactivity period: one
    // email at 10:50 with both items, none at 10:30.
    profile("k-restart", "OPTED_IN", "OPTED_IN", "UTC");
    event("rs1", "LOGIN", "09:00", "WEB", "c-restart", null, "k-restart", true, null, null);
    event("rs2", "ADD_TO_CART", "10:00", "WEB", null, null, "k-restart", true, "SKU-20", null);
    event("rs3", "ADD_TO_CART", "10:20", "WEB", "c-restart", null, null, false, "SKU-21", null);

    // Push token and consent, but the most recent activity is on the web: email.
    profile("k-web-last", "OPTED_IN", "OPTED_IN", "UTC");
    event("wl1", "LOGIN", "09:00", "MOBILE_APP", null, "d-web-last", "k-web-last", true, null, "tok-wl");
    event("wl2", "ADD_TO_CART", "10:00", "WEB", null, null, "k-web-last", true, "SKU-22", null);

    // Active in the app, but the only push token came on an unauthenticated event: email.
    profile("k-anon-token", "OPTED_IN", "OPTED_IN", "UTC");
    event("at1", "LOGIN", "09:00", "MOBILE_APP", null, "d-anon-token", "k-anon-token", true, null, null);
    event("at2", "APP_OPEN", "09:30", "MOBILE_APP", null, "d-anon-token", null, false, null, "tok-anon");
    event("at3", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-anon-token", "k-anon-token", true, "SKU-23", null);

    // Active in the app with a token, but push consent UNKNOWN: email.
    profile("k-push-unknown", "OPTED_IN", "UNKNOWN", "UTC");
    event("pu1", "LOGIN", "09:00", "MOBILE_APP", null, "d-push-unknown", "k-push-unknown", true, null, "tok-pu");
    event("pu2", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-push-unknown", "k-push-unknown", true, "SKU-24", null);

    // Products viewed before the cart travel with the command, newest first, without the cart's.
    profile("k-viewed", "OPTED_IN", "OPTED_IN", "UTC");
    event("v1", "PRODUCT_VIEW", "09:40", "WEB", null, null, "k-viewed", true, "SKU-V1", null);
    event("v2", "PRODUCT_VIEW", "09:45", "WEB", null, null, "k-viewed", true, "SKU-V2", null);
    event("v3", "PRODUCT_VIEW", "09:50", "WEB", null, null, "k-viewed", true, "SKU-25", null);
    event("v4", "ADD_TO_CART", "10:00", "WEB", null, null, "k-viewed", true, "SKU-25", null);

    // Purchases one minute inside and one minute outside the 3-day attribution window.
    profile("k-conv-in", "OPTED_IN", "OPTED_IN", "UTC");
    event("ci1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-conv-in", true, "SKU-26", null);
    event("ci2", "PURCHASE", "2026-03-13T10:29", "WEB", null, null, "k-conv-in", true, "SKU-26", null);
    profile("k-conv-out", "OPTED_IN", "OPTED_IN", "UTC");
    event("co1", "ADD_TO_CART", "10:00", "WEB", null, null, "k-conv-out", true, "SKU-27", null);
    event("co2", "PURCHASE", "2026-03-13T10:31", "WEB", null, null, "k-conv-out", true, "SKU-27", null);

    // App cart at 10:00, push at 10:30; SKU-31 added at 11:00 and SKU-30 removed at 12:00: the
    // push shows the cart at entry, the follow-up email at 14:30 the cart as it is then.
    profile("k-changed", "OPTED_IN", "OPTED_IN", "UTC");
    event("cc1", "LOGIN", "09:50", "MOBILE_APP", null, "d-changed", "k-changed", true, null, "tok-cc");
    event("cc2", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-changed", "k-changed", true, "SKU-30", null);
    event("cc3", "ADD_TO_CART", "11:00", "MOBILE_APP", null, "d-changed", "k-changed", true, "SKU-31", null);
    event("cc4", "REMOVE_FROM_CART", "12:00", "MOBILE_APP", null, "d-changed", "k-changed", true, "SKU-30", null);

    // The push at 10:30 goes to tok-old; the app is reinstalled at 10:40 with tok-new, and the
    // gateway reports tok-old invalid at 10:45. The next cart, a week later, is pushed to tok-new.
    profile("k-reinstall", "OPTED_IN", "OPTED_IN", "UTC");
    event("ri1", "LOGIN", "09:50", "MOBILE_APP", null, "d-old", "k-reinstall", true, null, "tok-old");
    event("ri2", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-old", "k-reinstall", true, "SKU-32", null);
    event("ri3", "LOGIN", "10:40", "MOBILE_APP", null, "d-new", "k-reinstall", true, null, "tok-new");
    String reinstallJourney =
        Ids.journeyId("k-reinstall", Instant.parse(DAY + "10:00:00Z").toEpochMilli());
    feedback.add(
        "{\"command_id\":\"" + Ids.commandId("k-reinstall", reinstallJourney, 1)
            + "\",\"status\":\"TOKEN_INVALID\",\"occurred_at\":\"" + DAY + "10:45:00Z\"}");
    event("ri4", "PURCHASE", "11:00", "MOBILE_APP", null, "d-new", "k-reinstall", true, "SKU-32", null);
    event("ri5", "ADD_TO_CART", "2026-03-18T10:00", "MOBILE_APP", null, "d-new", "k-reinstall", true, "SKU-33", null);

    // The phone's token is from 07:00; then 25 browser sessions log in and out, each cookie
    // leaving the customer at its LOGOUT. The app cart at 10:00 is still pushed to the phone.
    profile("k-browsers", "OPTED_IN", "OPTED_IN", "UTC");
    event("br0", "LOGIN", "07:00", "MOBILE_APP", null, "d-browsers", "k-browsers", true, null, "tok-br");
    for (int i = 1; i <= 25; i++) {
      String minute = String.format("%02d", i);
      event("br-in-" + i, "LOGIN", "08:" + minute, "WEB", "c-br-" + i, null, "k-browsers", true, null, null);
      event("br-out-" + i, "LOGOUT", "09:" + minute, "WEB", "c-br-" + i, null, "k-browsers", true, null, null);
    }
    event("br1", "ADD_TO_CART", "10:00", "MOBILE_APP", null, "d-browsers", "k-browsers", true, "SKU-34", null);

    // Records the job cannot process at all.
    events.add("{this is not json");
    events.add("{\"event_id\":\"bad-1\",\"occurred_at\":\"" + DAY + "10:00:00Z\"}");
    events.add(
        "{\"event_id\":\"bad-2\",\"event_type\":\"TELEPORT\",\"occurred_at\":\"" + DAY + "10:00:00Z\"}");

    events.sort(java.util.Comparator.comparing(JourneyRulesITCase::occurredAt));
    // The late purchase (11:00) arrives once the watermark has passed noon, but before the
    // follow-up (14:30) is due.
    int afterNoon = 0;
    while (afterNoon < events.size() && occurredAt(events.get(afterNoon)).compareTo(DAY + "12:00:00Z") <= 0) {
      afterNoon++;
    }
    events.addAll(afterNoon, lateEvents);

    out = dir.resolve("out");
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    Files.write(in.resolve("events.jsonl"), events);
    Files.write(in.resolve("profiles.jsonl"), sortedProfiles());
    Files.write(in.resolve("links.jsonl"), links);
    Files.write(in.resolve("feedback.jsonl"), feedback);
    JobConfig config = JobConfig.load(null);
    config.runtime.parallelism = 2;
    ReplayRunner.run(
        config,
        new ReplayInput()
            .with(SourceKind.EVENTS, in.resolve("events.jsonl"))
            .with(SourceKind.PROFILES, in.resolve("profiles.jsonl"))
            .with(SourceKind.LINKS, in.resolve("links.jsonl"))
            .with(SourceKind.FEEDBACK, in.resolve("feedback.jsonl")),
        out);
  }

  @Test
  void webOnlyCustomerGetsOneEmailAndNoFollowUp() throws IOException {
    assertThat(commands("email.jsonl", "k-email"))
        .containsExactly("EMAIL step 1 at 2026-03-10T10:30:00Z to k-email@example.com");
    assertThat(commands("push.jsonl", "k-email")).isEmpty();
  }

  @Test
  void latePurchaseStopsTheFollowUpAndCountsAsConversion() throws IOException {
    assertThat(commands("push.jsonl", "k-late-buy"))
        .containsExactly("PUSH step 1 at 2026-03-10T10:30:00Z to tok-late");
    assertThat(commands("email.jsonl", "k-late-buy")).isEmpty();
    assertThat(lines("conversions.jsonl", "k-late-buy"))
        .singleElement()
        .satisfies(c -> assertThat(c.path("millis_since_first_touch").asLong()).isEqualTo(1_800_000));
  }

  @Test
  void noConsentMeansNoMessageAndAnAuditedReason() throws IOException {
    assertThat(commands("push.jsonl", "k-noconsent")).isEmpty();
    assertThat(commands("email.jsonl", "k-noconsent")).isEmpty();
    assertThat(outcomes("k-noconsent")).contains("SUPPRESSED:no-contactable-channel");
  }

  @Test
  void erasedPersonGetsNothing() throws IOException {
    assertThat(commands("email.jsonl", "k-erased")).isEmpty();
    assertThat(outcomes("k-erased")).contains("EXITED:erased");
  }

  @Test
  void invalidTokenMakesTheFollowUpEmailDueAtOnce() throws IOException {
    assertThat(commands("push.jsonl", "k-token"))
        .containsExactly("PUSH step 1 at 2026-03-10T10:30:00Z to tok-bad");
    assertThat(commands("email.jsonl", "k-token"))
        .containsExactly("EMAIL step 2 at 2026-03-10T10:45:00Z to k-token@example.com");
  }

  @Test
  void secondCartInsideTheCooldownIsSuppressed() throws IOException {
    assertThat(commands("email.jsonl", "k-cooldown"))
        .containsExactly("EMAIL step 1 at 2026-03-10T10:30:00Z to k-cooldown@example.com");
    assertThat(outcomes("k-cooldown")).contains("SUPPRESSED:cooldown", "CONVERTED:null");
  }

  @Test
  void emptiedCartIsNeverAbandoned() throws IOException {
    assertThat(commands("email.jsonl", "k-empty")).isEmpty();
    assertThat(outcomes("k-empty")).contains("SUPPRESSED:cart-empty");
  }

  @Test
  void quietHoursUseTheProfileZone() throws IOException {
    assertThat(commands("email.jsonl", "k-newyork"))
        .containsExactly("EMAIL step 1 at 2026-03-10T12:00:00Z to k-newyork@example.com");
  }

  @Test
  void purchaseAtTheSameInstantAsTheFollowUpWins() throws IOException {
    assertThat(commands("push.jsonl", "k-instant")).hasSize(1);
    assertThat(commands("email.jsonl", "k-instant")).isEmpty();
  }

  @Test
  void cartOlderThanTheRecencyLimitWhenTheyBecomeKnownIsIgnored() throws IOException {
    assertThat(commands("email.jsonl", "k-stale")).isEmpty();
    assertThat(outcomes("k-stale")).contains("SUPPRESSED:cart-too-old");
  }

  @Test
  void duplicateEventCountsOnce() throws IOException {
    assertThat(lines("email.jsonl", "k-dup"))
        .singleElement()
        .satisfies(c -> assertThat(c.path("items").get(0).path("quantity").asInt()).isEqualTo(1));
  }

  @Test
  void unauthenticatedLinkIsRejectedAndLinksNothing() throws IOException {
    assertThat(commands("email.jsonl", "k-unauth")).isEmpty();
    assertThat(allLines("decisions.jsonl"))
        .anySatisfy(
            d -> {
              assertThat(d.path("outcome").asText()).isEqualTo("REJECTED_LINK");
              assertThat(d.path("reason").asText()).isEqualTo("unauthenticated-link");
            });
  }

  @Test
  void logoutEndsTheDeviceAssociation() throws IOException {
    assertThat(commands("push.jsonl", "k-logout")).isEmpty();
    assertThat(commands("email.jsonl", "k-logout")).isEmpty();
  }

  @Test
  void undecodableRecordsAreDeadLetteredWithTheirReason() throws IOException {
    assertThat(allLines("dead-letters.jsonl"))
        .extracting(d -> d.path("reason").asText())
        .containsExactlyInAnyOrder("invalid-json", "missing-event-type", "unknown-event-type");
    assertThat(allLines("dead-letters.jsonl"))
        .extracting(d -> d.path("payload_text").asText())
        .contains("{this is not json");
  }

  @Test
  void cartChangeOnAnotherIdentifierRestartsTheInactivityPeriod() throws IOException {
    assertThat(lines("email.jsonl", "k-restart"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(OffsetDateTime.parse(c.path("deliver_after").asText()).toInstant())
                  .isEqualTo(Instant.parse(DAY + "10:50:00Z"));
              assertThat(c.path("items").findValuesAsText("sku"))
                  .containsExactlyInAnyOrder("SKU-20", "SKU-21");
            });
    assertThat(outcomes("k-restart")).containsOnlyOnce("ENTERED:null");
  }

  @Test
  void recentWebActivityMeansEmailDespiteAPushToken() throws IOException {
    assertThat(commands("push.jsonl", "k-web-last")).isEmpty();
    assertThat(commands("email.jsonl", "k-web-last"))
        .containsExactly("EMAIL step 1 at 2026-03-10T10:30:00Z to k-web-last@example.com");
  }

  @Test
  void pushTokenFromUnauthenticatedEventIsNotUsed() throws IOException {
    assertThat(commands("push.jsonl", "k-anon-token")).isEmpty();
    assertThat(commands("email.jsonl", "k-anon-token"))
        .containsExactly("EMAIL step 1 at 2026-03-10T10:30:00Z to k-anon-token@example.com");
    assertThat(entered("k-anon-token").path("facts").path("has_push_token").asText())
        .isEqualTo("false");
  }

  @Test
  void unknownPushConsentMeansEmail() throws IOException {
    assertThat(commands("push.jsonl", "k-push-unknown")).isEmpty();
    assertThat(commands("email.jsonl", "k-push-unknown")).hasSize(1);
    JsonNode facts = entered("k-push-unknown").path("facts");
    assertThat(facts.path("channel").asText()).isEqualTo("EMAIL");
    assertThat(facts.path("active_in_app").asText()).isEqualTo("true");
    assertThat(facts.path("push_consent").asText()).isEqualTo("UNKNOWN");
  }

  @Test
  void commandCarriesRecentlyViewedProductsAndItsId() throws IOException {
    JsonNode email = lines("email.jsonl", "k-viewed").get(0);
    assertThat(email.path("recently_viewed").findValuesAsText("sku"))
        .containsExactly("SKU-V2", "SKU-V1");
    String journey = Ids.journeyId("k-viewed", Instant.parse(DAY + "10:00:00Z").toEpochMilli());
    assertThat(email.path("journey_id").asText()).isEqualTo(journey);
    assertThat(email.path("command_id").asText()).isEqualTo(Ids.commandId("k-viewed", journey, 1));
  }

  @Test
  void purchaseCountsOnlyWithinTheAttributionWindow() throws IOException {
    assertThat(lines("conversions.jsonl", "k-conv-in"))
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.path("millis_since_first_touch").asLong())
                    .isEqualTo(3 * 86_400_000L - 60_000));
    assertThat(lines("conversions.jsonl", "k-conv-out")).isEmpty();
    assertThat(outcomes("k-conv-out")).doesNotContain("CONVERTED:null");
  }

  @Test
  void followUpShowsTheCurrentCart() throws IOException {
    assertThat(lines("push.jsonl", "k-changed"))
        .singleElement()
        .satisfies(p -> assertThat(p.path("items").findValuesAsText("sku")).containsExactly("SKU-30"));
    assertThat(lines("email.jsonl", "k-changed"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.path("step").asInt()).isEqualTo(2);
              assertThat(e.path("items").findValuesAsText("sku")).containsExactly("SKU-31");
              assertThat(e.path("cart_value").asDouble()).isEqualTo(10.0);
            });
    List<JsonNode> sent =
        lines("decisions.jsonl", "k-changed").stream()
            .filter(d -> "SENT".equals(d.path("outcome").asText()))
            .toList();
    assertThat(sent).extracting(d -> d.path("facts").path("cart_changed_at").asText(null))
        .containsExactly(null, DAY + "12:00:00Z");
    assertThat(outcomes("k-changed")).contains("SUPPRESSED:episode-already-entered");
  }

  @Test
  void invalidTokenDropsThePushedToken() throws IOException {
    assertThat(commands("push.jsonl", "k-reinstall"))
        .containsExactly(
            "PUSH step 1 at 2026-03-10T10:30:00Z to tok-old",
            "PUSH step 1 at 2026-03-18T10:30:00Z to tok-new");
  }

  @Test
  void manyLogoutsKeepThePhoneToken() throws IOException {
    assertThat(commands("push.jsonl", "k-browsers"))
        .containsExactly("PUSH step 1 at 2026-03-10T10:30:00Z to tok-br");
  }

  private JsonNode entered(String customer) throws IOException {
    return lines("decisions.jsonl", customer).stream()
        .filter(d -> "ENTERED".equals(d.path("outcome").asText()))
        .findFirst()
        .orElseThrow();
  }

  // ------------------------------------------------------------------ input builders

  private void profile(String id, String email, String push, String zone) {
    profiles.add(
        "{\"customer_id\":\"" + id + "\",\"emails\":[\" " + id.toUpperCase() + "@Example.com\"],"
            + "\"first_name\":\"F\",\"locale\":\"en\",\"time_zone\":\"" + zone + "\","
            + "\"consent\":{\"email\":\"" + email + "\",\"push\":\"" + push + "\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\",\"deleted\":false}");
  }

  private List<String> sortedProfiles() {
    // Deletions carry a later updated_at; keep the file in time order.
    List<String> sorted = new ArrayList<>(profiles);
    sorted.sort((a, b) -> Boolean.compare(a.contains("\"deleted\":true"), b.contains("\"deleted\":true")));
    return sorted;
  }

  private void event(
      String id, String type, String time, String channel, String cookie, String device,
      String customer, boolean auth, String sku, String token) {
    events.add(eventJson(id, type, time, channel, cookie, device, customer, auth, sku, token));
  }

  private static String eventJson(
      String id, String type, String time, String channel, String cookie, String device,
      String customer, boolean auth, String sku, String token) {
    String when = time.contains("T") ? time + ":00Z" : DAY + time + ":00Z";
    StringBuilder b = new StringBuilder("{");
    b.append("\"event_id\":\"").append(id).append("\",\"event_type\":\"").append(type)
        .append("\",\"occurred_at\":\"").append(when).append("\",\"channel\":\"").append(channel)
        .append("\",\"authenticated\":").append(auth);
    if (cookie != null) {
      b.append(",\"anonymous_id\":\"").append(cookie).append('"');
    }
    if (device != null) {
      b.append(",\"device_id\":\"").append(device).append('"');
    }
    if (customer != null) {
      b.append(",\"customer_id\":\"").append(customer).append('"');
    }
    if (token != null) {
      b.append(",\"push_token\":\"").append(token).append('"');
    }
    if (sku != null) {
      b.append(",\"items\":[{\"sku\":\"").append(sku)
          .append("\",\"name\":\"n\",\"price\":10.0,\"currency\":\"EUR\",\"quantity\":1}]");
    }
    return b.append('}').toString();
  }

  private static String occurredAt(String line) {
    try {
      return Instant.parse(JSON.readTree(line).path("occurred_at").asText()).toString();
    } catch (Exception e) {
      return ""; // undecodable lines go first
    }
  }

  // ------------------------------------------------------------------ output readers

  private List<JsonNode> allLines(String file) throws IOException {
    List<JsonNode> result = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve(file))) {
      if (!line.isBlank()) {
        result.add(JSON.readTree(line));
      }
    }
    return result;
  }

  private List<JsonNode> lines(String file, String customer) throws IOException {
    return allLines(file).stream()
        .filter(n -> customer.equals(n.path("customer_id").asText()))
        .collect(Collectors.toList());
  }

  private List<String> commands(String file, String customer) throws IOException {
    return lines(file, customer).stream()
        .map(
            c ->
                c.path("channel").asText() + " step " + c.path("step").asInt() + " at "
                    + OffsetDateTime.parse(c.path("deliver_after").asText()).toInstant()
                    + " to " + c.path("recipient").asText())
        .collect(Collectors.toList());
  }

  private List<String> outcomes(String customer) throws IOException {
    return lines("decisions.jsonl", customer).stream()
        .map(d -> d.path("outcome").asText() + ":" + d.path("reason").asText(null))
        .collect(Collectors.toList());
  }
}
