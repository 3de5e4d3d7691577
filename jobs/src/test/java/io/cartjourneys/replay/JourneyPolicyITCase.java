package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.model.Ids;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Frequency caps, feedback, consent changes and exits after entry, in one replay with a one-hour
 * re-entry cooldown so that a second journey can start within the email cap. Profiles are UTC.
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

    JobConfig config = JobConfig.load(null);
    config.journey.reentryCooldown = Duration.ofHours(1);
    f.run(Files.createTempDirectory("policy"), 2, config);
  }

  private List<String> outcomes(String customer) throws Exception {
    return f.read("decisions.jsonl").stream()
        .filter(d -> customer.equals(d.path("customer_id").asText()))
        .map(d -> d.path("outcome").asText() + ":" + d.path("reason").asText(null))
        .toList();
  }

  @Test
  void emailCapSkipsTheSecondJourneysEmail() throws Exception {
    assertThat(f.commands("k-cap")).containsExactly("EMAIL step 1 at " + at("10:30") + " skus [SKU-1]");
    assertThat(outcomes("k-cap")).contains("SKIPPED:email-frequency-cap");
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
  void withdrawnEmailConsentSkipsTheFollowUp() throws Exception {
    assertThat(f.commands("k-withdraw")).containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-7]");
    assertThat(outcomes("k-withdraw")).contains("SKIPPED:no-email-consent");
  }

  @Test
  void erasureCancelsThePendingFollowUp() throws Exception {
    assertThat(f.commands("k-erase")).containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-8]");
    assertThat(outcomes("k-erase")).contains("EXITED:erased");
  }

  @Test
  void emptiedCartCancelsThePendingFollowUp() throws Exception {
    assertThat(f.commands("k-emptied")).containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-9]");
    assertThat(outcomes("k-emptied")).contains("EXITED:cart-emptied");
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
