package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.model.Ids;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Frequency caps, feedback, consent changes, episodes and exits after entry, in one replay with a
 * one-hour re-entry cooldown so that a second journey can start within the caps. Profiles are UTC
 * unless a test says otherwise; the default time zone is Asia/Kolkata (UTC+05:30).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JourneyPolicyITCase {
  private static final String DAY = "2026-03-10T";
  private final ReplayFixture f = new ReplayFixture();

  private static String at(String hhmm) {
    return DAY + hhmm + ":00Z";
  }

  private static String journey(String customer, String episodeStart) {
    return Ids.journeyId(customer, Instant.parse(at(episodeStart)).toEpochMilli());
  }

  private void feedback(String commandId, String status, String hhmm) {
    f.feedback.add(
        "{\"command_id\":\"" + commandId + "\",\"status\":\"" + status + "\",\"occurred_at\":\""
            + at(hhmm) + "\"}");
  }

  private void appUser(String k) {
    f.profile(k);
    login(k);
  }

  private void login(String k) {
    f.events.add(
        "{\"event_id\":\"login-" + k + "\",\"event_type\":\"LOGIN\",\"occurred_at\":\"" + at("09:50")
            + "\",\"channel\":\"MOBILE_APP\",\"authenticated\":true,\"device_id\":\"d-" + k
            + "\",\"customer_id\":\"" + k + "\",\"push_token\":\"tok-" + k + "\"}");
  }

  @BeforeAll
  void replay() throws Exception {
    // Second journey inside the 16 h email cap: its email is skipped.
    f.profile("k-cap");
    f.event("cap1", "ADD_TO_CART", at("10:00"), "WEB", null, null, "k-cap", true, "SKU-1");
    f.event("cap2", "PURCHASE", at("10:40"), "WEB", null, null, "k-cap", true, "SKU-1");
    f.event("cap3", "ADD_TO_CART", at("12:00"), "WEB", null, null, "k-cap", true, "SKU-2");

    // Unsubscribed from email after the first journey: the next cart finds no channel.
    f.profile("k-unsub");
    f.event("un1", "ADD_TO_CART", at("10:00"), "WEB", null, null, "k-unsub", true, "SKU-3");
    f.event("un2", "PURCHASE", at("10:40"), "WEB", null, null, "k-unsub", true, "SKU-3");
    f.event("un3", "ADD_TO_CART", at("12:00"), "WEB", null, null, "k-unsub", true, "SKU-4");
    feedback(Ids.commandId("k-unsub", journey("k-unsub", "10:00"), 1), "UNSUBSCRIBED", "10:35");

    // A bounced address is not used again.
    f.profile("k-bounce");
    f.event("bo1", "ADD_TO_CART", at("10:00"), "WEB", null, null, "k-bounce", true, "SKU-5");
    f.event("bo2", "PURCHASE", at("10:40"), "WEB", null, null, "k-bounce", true, "SKU-5");
    f.event("bo3", "ADD_TO_CART", at("12:00"), "WEB", null, null, "k-bounce", true, "SKU-6");
    feedback(Ids.commandId("k-bounce", journey("k-bounce", "10:00"), 1), "BOUNCED", "10:31");

    // Email consent withdrawn after the push: the follow-up is skipped.
    appUser("k-withdraw");
    f.event("wd1", "ADD_TO_CART", at("10:00"), "MOBILE_APP", null, "d-k-withdraw", "k-withdraw", true, "SKU-7");
    f.profiles.add(
        "{\"customer_id\":\"k-withdraw\",\"emails\":[\"k-withdraw@example.com\"],\"time_zone\":\"UTC\","
            + "\"consent\":{\"email\":\"OPTED_OUT\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"" + at("11:00") + "\"}");

    // Erased after the push: nothing more.
    appUser("k-erase");
    f.event("er1", "ADD_TO_CART", at("10:00"), "MOBILE_APP", null, "d-k-erase", "k-erase", true, "SKU-8");
    f.profiles.add(
        "{\"customer_id\":\"k-erase\",\"updated_at\":\"" + at("11:00") + "\",\"deleted\":true}");

    // Cart emptied after the push: the follow-up is cancelled.
    appUser("k-emptied");
    f.event("em1", "ADD_TO_CART", at("10:00"), "MOBILE_APP", null, "d-k-emptied", "k-emptied", true, "SKU-9");
    f.event("em2", "REMOVE_FROM_CART", at("11:00"), "MOBILE_APP", null, "d-k-emptied", "k-emptied", true, "SKU-9");

    // A cart change after entry, without a purchase, stays in the entered episode.
    f.profile("k-episode");
    f.event("ep1", "ADD_TO_CART", at("10:00"), "WEB", null, null, "k-episode", true, "SKU-10");
    f.event("ep2", "ADD_TO_CART", at("12:00"), "WEB", null, null, "k-episode", true, "SKU-11");

    // Second journey inside the 24 h push cap: its push is skipped, its follow-up email is sent.
    appUser("k-pushcap");
    f.event("pc1", "ADD_TO_CART", at("10:00"), "MOBILE_APP", null, "d-k-pushcap", "k-pushcap", true, "SKU-12");
    f.event("pc2", "PURCHASE", at("10:40"), "MOBILE_APP", null, "d-k-pushcap", "k-pushcap", true, "SKU-12");
    f.event("pc3", "ADD_TO_CART", at("12:00"), "MOBILE_APP", null, "d-k-pushcap", "k-pushcap", true, "SKU-13");

    // TOKEN_INVALID moves the follow-up to now, but email consent is missing: skipped.
    f.profiles.add(
        "{\"customer_id\":\"k-token-noemail\",\"emails\":[\"k-token-noemail@example.com\"],"
            + "\"time_zone\":\"UTC\",\"consent\":{\"email\":\"UNKNOWN\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
    login("k-token-noemail");
    f.event("tn1", "ADD_TO_CART", at("10:00"), "MOBILE_APP", null, "d-k-token-noemail", "k-token-noemail", true, "SKU-14");
    feedback(
        Ids.commandId("k-token-noemail", journey("k-token-noemail", "10:00"), 1), "TOKEN_INVALID", "10:45");

    // No time zone in the profile: quiet hours in the default zone. Decided at 17:30 UTC, 23:00 in
    // Kolkata, so the email waits for 08:00 there (02:30 UTC).
    f.profiles.add(
        "{\"customer_id\":\"k-nozone\",\"emails\":[\"k-nozone@example.com\"],"
            + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
    f.event("nz1", "ADD_TO_CART", at("17:00"), "WEB", null, null, "k-nozone", true, "SKU-15");

    // An unknown time zone falls back to the default zone too.
    f.profiles.add(
        "{\"customer_id\":\"k-badzone\",\"emails\":[\"k-badzone@example.com\"],"
            + "\"time_zone\":\"Mars/Olympus_Mons\","
            + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
    f.event("bz1", "ADD_TO_CART", at("17:00"), "WEB", null, null, "k-badzone", true, "SKU-16");

    JobConfig config = JobConfig.load(null);
    config.journey.reentryCooldown = Duration.ofHours(1);
    config.journey.defaultTimeZone = ZoneId.of("Asia/Kolkata");
    f.run(TestDirs.create("policy"), 2, config);
  }

  private List<String> outcomes(String customer) throws Exception {
    return f.read("decisions.jsonl").stream()
        .filter(d -> customer.equals(d.path("customer_id").asText()))
        .map(d -> d.path("outcome").asText() + ":" + d.path("reason").asText(null))
        .toList();
  }

  private List<JsonNode> decisions(String customer, String outcome) throws Exception {
    return f.read("decisions.jsonl").stream()
        .filter(d -> customer.equals(d.path("customer_id").asText()))
        .filter(d -> outcome.equals(d.path("outcome").asText()))
        .toList();
  }

  private JsonNode only(String customer, String outcome) throws Exception {
    List<JsonNode> found = decisions(customer, outcome);
    assertThat(found).as("%s decisions of %s", outcome, customer).hasSize(1);
    return found.get(0);
  }

  @Test
  void emailCapSkipsTheSecondJourneysEmail() throws Exception {
    assertThat(f.commands("k-cap")).containsExactly("EMAIL step 1 at " + at("10:30") + " skus [SKU-1]");
    JsonNode skip = only("k-cap", "SKIPPED");
    assertThat(skip.path("reason").asText()).isEqualTo("email-frequency-cap");
    assertThat(skip.path("journey_id").asText()).isEqualTo(journey("k-cap", "12:00"));
    assertThat(skip.path("facts").path("cap_policy").asText()).isEqualTo("skip");
    assertThat(skip.path("facts").path("last_sent_at").asText()).isEqualTo(at("10:30"));
    assertThat(skip.path("facts").path("cap_ends_at").asText())
        .isEqualTo("2026-03-11T02:30:00Z");
  }

  @Test
  void freshCartAfterAnOrderIsANewEpisode() throws Exception {
    assertThat(decisions("k-cap", "ENTERED"))
        .extracting(d -> d.path("journey_id").asText())
        .containsExactlyInAnyOrder(journey("k-cap", "10:00"), journey("k-cap", "12:00"));
  }

  @Test
  void cartChangeAfterEntryDoesNotStartASecondJourney() throws Exception {
    assertThat(f.commands("k-episode"))
        .containsExactly("EMAIL step 1 at " + at("10:30") + " skus [SKU-10]");
    assertThat(only("k-episode", "ENTERED").path("journey_id").asText())
        .isEqualTo(journey("k-episode", "10:00"));
    JsonNode suppressed = only("k-episode", "SUPPRESSED");
    assertThat(suppressed.path("reason").asText()).isEqualTo("episode-already-entered");
    assertThat(suppressed.path("facts").path("entered_journey_id").asText())
        .isEqualTo(journey("k-episode", "10:00"));
  }

  @Test
  void pushCapSkipsThePushButNotTheFollowUp() throws Exception {
    assertThat(f.commands("k-pushcap"))
        .containsExactly(
            "EMAIL step 2 at " + at("16:30") + " skus [SKU-13]",
            "PUSH step 1 at " + at("10:30") + " skus [SKU-12]");
    JsonNode skip = only("k-pushcap", "SKIPPED");
    assertThat(skip.path("reason").asText()).isEqualTo("push-frequency-cap");
    assertThat(skip.path("step").asInt()).isEqualTo(1);
    assertThat(skip.path("facts").path("cap_policy").asText()).isEqualTo("skip");
    assertThat(skip.path("facts").path("cap_ends_at").asText()).isEqualTo("2026-03-11T10:30:00Z");
  }

  @Test
  void invalidTokenFollowUpStillNeedsEmailConsent() throws Exception {
    assertThat(f.commands("k-token-noemail"))
        .containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-14]");
    assertThat(outcomes("k-token-noemail"))
        .contains("DEFERRED:push-token-invalid", "SKIPPED:no-email-consent");
    assertThat(only("k-token-noemail", "SKIPPED").path("decided_at").asText())
        .isEqualTo(at("10:45"));
  }

  @Test
  void missingTimeZoneUsesTheDefaultZoneAndSaysSo() throws Exception {
    assertThat(f.commands("k-nozone"))
        .containsExactly("EMAIL step 1 at 2026-03-11T02:30:00Z skus [SKU-15]");
    JsonNode entered = only("k-nozone", "ENTERED");
    assertThat(entered.path("facts").path("time_zone").asText()).isEqualTo("Asia/Kolkata");
    assertThat(entered.path("facts").path("time_zone_source").asText())
        .isEqualTo("default-time-zone-missing");
    JsonNode email = f.read("email.jsonl").stream()
        .filter(c -> c.path("customer_id").asText().equals("k-nozone"))
        .findFirst()
        .orElseThrow();
    assertThat(email.path("time_zone").asText()).isEqualTo("Asia/Kolkata");
    assertThat(only("k-nozone", "DEFERRED").path("facts").path("local_deliver_after").asText())
        .isEqualTo("2026-03-11T08:00+05:30");
  }

  @Test
  void unknownTimeZoneUsesTheDefaultZoneAndSaysSo() throws Exception {
    assertThat(f.commands("k-badzone"))
        .containsExactly("EMAIL step 1 at 2026-03-11T02:30:00Z skus [SKU-16]");
    assertThat(only("k-badzone", "ENTERED").path("facts").path("time_zone_source").asText())
        .isEqualTo("default-time-zone-unknown");
    assertThat(outcomes("k-badzone")).contains("SKIPPED:unknown-time-zone");
  }

  @Test
  void profileZoneIsNamedAsSuch() throws Exception {
    JsonNode entered =
        decisions("k-cap", "ENTERED").stream()
            .filter(d -> journey("k-cap", "10:00").equals(d.path("journey_id").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(entered.path("facts").path("time_zone").asText()).isEqualTo("UTC");
    assertThat(entered.path("facts").path("time_zone_source").asText()).isEqualTo("profile");
  }

  @Test
  void unsubscribeStopsLaterEmail() throws Exception {
    assertThat(f.commands("k-unsub")).hasSize(1);
    assertThat(outcomes("k-unsub")).contains("SUPPRESSED:no-contactable-channel");
  }

  @Test
  void bouncedAddressIsNotUsedAgain() throws Exception {
    assertThat(f.commands("k-bounce")).hasSize(1);
    assertThat(outcomes("k-bounce")).contains("SUPPRESSED:no-contactable-channel");
  }

  @Test
  void withdrawnEmailConsentEndsTheJourneyAtOnce() throws Exception {
    assertThat(f.commands("k-withdraw")).containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-7]");
    assertThat(outcomes("k-withdraw"))
        .contains("EXITED:consent-withdrawn")
        .doesNotContain("SKIPPED:no-email-consent");
  }

  @Test
  void erasureCancelsThePendingFollowUpAtOnce() throws Exception {
    assertThat(f.commands("k-erase")).containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-8]");
    JsonNode exit =
        decisions("k-erase", "EXITED").stream()
            .filter(d -> !d.path("journey_id").isNull())
            .findFirst()
            .orElseThrow();
    assertThat(exit.path("reason").asText()).isEqualTo("erased");
    assertThat(exit.path("decided_at").asText()).isEqualTo(at("11:00"));
    assertThat(exit.path("facts").path("next_step").asText()).isEqualTo("2");
  }

  @Test
  void emptiedCartCancelsThePendingFollowUpAtOnce() throws Exception {
    assertThat(f.commands("k-emptied")).containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-9]");
    JsonNode exit = only("k-emptied", "EXITED");
    assertThat(exit.path("reason").asText()).isEqualTo("cart-emptied");
    assertThat(exit.path("decided_at").asText()).isEqualTo(at("11:00"));
  }

  @Test
  void commandsCarryExpiryAndIdempotencyKey() throws Exception {
    JsonNode push =
        f.read("push.jsonl").stream()
            .filter(c -> c.path("customer_id").asText().equals("k-withdraw"))
            .findFirst()
            .orElseThrow();
    assertThat(push.path("command_id").asText())
        .isEqualTo(Ids.commandId("k-withdraw", journey("k-withdraw", "10:00"), 1));
    assertThat(Instant.parse(push.path("expires_at").asText().replace("+00:00", "Z")))
        .isEqualTo(Instant.parse(at("16:30")));
  }
}
