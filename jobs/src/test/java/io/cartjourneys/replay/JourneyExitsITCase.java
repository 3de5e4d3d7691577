package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.model.Ids;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Consent withdrawal, UNSUBSCRIBED feedback and erasure end a journey at once: every pending step
 * is cancelled with one EXITED decision dated when the record applies, also when the record arrives
 * late. Profiles are UTC; re-entry cooldown and email cap are 30 minutes so that one person can go
 * through several journeys in a day.
 *
 * <p>App users log in at 09:50 and leave a cart at 10:00 in the app: the push goes out at 10:30 and
 * the follow-up email would be due at 14:30. Late profiles and feedback are written after a record
 * dated 13:00, the last of its file, so they arrive when the watermark is at 12:59:55.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JourneyExitsITCase {
  private static final String DAY = "2026-03-10T";
  private static final Instant FOLLOW_UP_DUE = Instant.parse(at("14:30"));
  private final ReplayFixture f = new ReplayFixture();

  private static String at(String hhmm) {
    return DAY + hhmm + ":00Z";
  }

  private static String journey(String customer, String episodeStart) {
    return Ids.journeyId(customer, Instant.parse(at(episodeStart)).toEpochMilli());
  }

  private static String profileLine(String k, String hhmm, String email, String push) {
    return "{\"customer_id\":\""
        + k
        + "\",\"emails\":[\""
        + k
        + "@example.com\"],"
        + "\"time_zone\":\"UTC\",\"consent\":{\"email\":\""
        + email
        + "\",\"push\":\""
        + push
        + "\"},\"updated_at\":\""
        + at(hhmm)
        + "\"}";
  }

  private static String erasureLine(String k, String hhmm) {
    return "{\"customer_id\":\"" + k + "\",\"updated_at\":\"" + at(hhmm) + "\",\"deleted\":true}";
  }

  private String feedbackLine(String k, String episodeStart, int step, String status, String hhmm) {
    return "{\"command_id\":\""
        + Ids.commandId(k, journey(k, episodeStart), step)
        + "\",\"status\":\""
        + status
        + "\",\"occurred_at\":\""
        + at(hhmm)
        + "\"}";
  }

  /**
   * Adds a consenting UTC profile, a login with a push token at 09:50 and an app cart at 10:00.
   */
  private void appCart(String k) {
    f.profile(k);
    f.events.add(
        "{\"event_id\":\"login-"
            + k
            + "\",\"event_type\":\"LOGIN\",\"occurred_at\":\""
            + at("09:50")
            + "\",\"channel\":\"MOBILE_APP\",\"authenticated\":true,"
            + "\"device_id\":\"d-"
            + k
            + "\",\"customer_id\":\""
            + k
            + "\","
            + "\"push_token\":\"tok-"
            + k
            + "\"}");
    f.event(
        "cart-" + k, "ADD_TO_CART", at("10:00"), "MOBILE_APP", null, "d-" + k, k, true, "SKU-1");
  }

  @BeforeAll
  void replay() throws Exception {
    // Email consent withdrawn at 11:00, push consent kept.
    appCart("k-email-out");
    f.profiles.add(profileLine("k-email-out", "11:00", "OPTED_OUT", "OPTED_IN"));

    // Push consent withdrawn at 11:00, email consent kept: the follow-up email is cancelled too.
    appCart("k-push-out");
    f.profiles.add(profileLine("k-push-out", "11:00", "OPTED_IN", "OPTED_OUT"));

    // Email consent withdrawn at 11:00, but the profile arrives after one dated 13:00.
    appCart("k-late-out");
    f.profiles.add(profileLine("k-clock", "13:00", "OPTED_IN", "OPTED_IN"));
    f.lateProfiles.add(profileLine("k-late-out", "11:00", "OPTED_OUT", "OPTED_IN"));

    // Erased at 11:00, arriving late.
    appCart("k-late-erase");
    f.lateProfiles.add(erasureLine("k-late-erase", "11:00"));

    // Unsubscribed from the push at 10:40: the follow-up ends; a later cart gets an email.
    appCart("k-unsub-push");
    f.feedback.add(feedbackLine("k-unsub-push", "10:00", 1, "UNSUBSCRIBED", "10:40"));
    f.event(
        "up-buy",
        "PURCHASE",
        at("11:00"),
        "MOBILE_APP",
        null,
        "d-k-unsub-push",
        "k-unsub-push",
        true,
        "SKU-1");
    f.event(
        "up-cart",
        "ADD_TO_CART",
        at("12:00"),
        "MOBILE_APP",
        null,
        "d-k-unsub-push",
        "k-unsub-push",
        true,
        "SKU-2");

    // Unsubscribed from a first-touch email. A profile that repeats the old consent does not undo
    // it; a re-opt-in in the CRM (OPTED_OUT, then OPTED_IN) does. Every cart follows a purchase,
    // so each is an episode of its own.
    String k = "k-unsub-email";
    f.profile(k);
    f.event("ue-1", "ADD_TO_CART", at("10:00"), "WEB", null, null, k, true, "SKU-1");
    f.feedback.add(feedbackLine(k, "10:00", 1, "UNSUBSCRIBED", "10:40"));
    f.event("ue-2", "PURCHASE", at("10:45"), "WEB", null, null, k, true, "SKU-1");
    f.event("ue-3", "ADD_TO_CART", at("10:50"), "WEB", null, null, k, true, "SKU-2");
    f.profiles.add(profileLine(k, "11:30", "OPTED_IN", "OPTED_IN"));
    f.event("ue-4", "PURCHASE", at("11:35"), "WEB", null, null, k, true, "SKU-2");
    f.event("ue-5", "ADD_TO_CART", at("11:40"), "WEB", null, null, k, true, "SKU-3");
    f.profiles.add(profileLine(k, "12:15", "OPTED_OUT", "OPTED_IN"));
    f.profiles.add(profileLine(k, "12:20", "OPTED_IN", "OPTED_IN"));
    f.event("ue-6", "PURCHASE", at("12:25"), "WEB", null, null, k, true, "SKU-3");
    f.event("ue-7", "ADD_TO_CART", at("12:30"), "WEB", null, null, k, true, "SKU-4");

    // Unsubscribed from the push at 10:40, reported after a feedback dated 13:00, the last one.
    appCart("k-late-unsub");
    f.feedback.add(feedbackLine("k-late-unsub", "10:00", 1, "DELIVERED", "13:00"));
    f.feedback.add(feedbackLine("k-late-unsub", "10:00", 1, "UNSUBSCRIBED", "10:40"));

    JobConfig config = JobConfig.load(null);
    config.journey.reentryCooldown = Duration.ofMinutes(30);
    config.journey.emailFrequencyCap = Duration.ofMinutes(30);
    f.run(TestDirs.create("exits"), 2, config);
  }

  private List<JsonNode> decisions(String customer, String outcome) throws Exception {
    return f.read("decisions.jsonl").stream()
        .filter(d -> customer.equals(d.path("customer_id").asText()))
        .filter(d -> outcome.equals(d.path("outcome").asText()))
        .toList();
  }

  private List<String> outcomes(String customer) throws Exception {
    return f.read("decisions.jsonl").stream()
        .filter(d -> customer.equals(d.path("customer_id").asText()))
        .map(d -> d.path("outcome").asText() + ":" + d.path("reason").asText(null))
        .toList();
  }

  private static Instant decidedAt(JsonNode d) {
    return OffsetDateTime.parse(d.path("decided_at").asText()).toInstant();
  }

  /** Returns the one EXITED decision of the customer's 10:00 journey. */
  private JsonNode exit(String customer) throws Exception {
    List<JsonNode> exits =
        decisions(customer, "EXITED").stream()
            .filter(d -> journey(customer, "10:00").equals(d.path("journey_id").asText()))
            .toList();
    assertThat(exits).as("EXITED decisions of %s", customer).hasSize(1);
    return exits.get(0);
  }

  @Test
  void emailConsentWithdrawalEndsTheJourneyAtOnce() throws Exception {
    assertThat(f.commands("k-email-out"))
        .containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-1]");
    JsonNode exit = exit("k-email-out");
    assertThat(exit.path("reason").asText()).isEqualTo("consent-withdrawn");
    assertThat(decidedAt(exit)).isEqualTo(Instant.parse(at("11:00")));
    assertThat(exit.path("facts").path("channel_withdrawn").asText()).isEqualTo("EMAIL");
    assertThat(exit.path("facts").path("next_step").asText()).isEqualTo("2");
    assertThat(exit.path("facts").path("next_due_at").asText()).isEqualTo(at("14:30"));
    assertThat(outcomes("k-email-out")).doesNotContain("SKIPPED:no-email-consent");
  }

  @Test
  void pushWithdrawalCancelsTheFollowUpEmail() throws Exception {
    assertThat(f.commands("k-push-out"))
        .containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-1]");
    JsonNode exit = exit("k-push-out");
    assertThat(exit.path("reason").asText()).isEqualTo("consent-withdrawn");
    assertThat(exit.path("facts").path("channel_withdrawn").asText()).isEqualTo("PUSH");
    assertThat(decidedAt(exit)).isEqualTo(Instant.parse(at("11:00")));
  }

  @Test
  void lateWithdrawalExitsWhenItApplies() throws Exception {
    assertThat(f.commands("k-late-out"))
        .containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-1]");
    JsonNode exit = exit("k-late-out");
    assertThat(exit.path("reason").asText()).isEqualTo("consent-withdrawn");
    assertThat(exit.path("facts").path("cause_at").asText()).isEqualTo(at("11:00"));
    assertThat(decidedAt(exit)).isAfter(Instant.parse(at("12:59"))).isBefore(FOLLOW_UP_DUE);
  }

  @Test
  void lateErasureExitsWhenItApplies() throws Exception {
    assertThat(f.commands("k-late-erase"))
        .containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-1]");
    JsonNode exit = exit("k-late-erase");
    assertThat(exit.path("reason").asText()).isEqualTo("erased");
    assertThat(exit.path("facts").path("cause_at").asText()).isEqualTo(at("11:00"));
    assertThat(decidedAt(exit)).isAfter(Instant.parse(at("12:59"))).isBefore(FOLLOW_UP_DUE);
    // The person-level record of the erasure, without a journey, has the same date.
    List<JsonNode> personLevel =
        decisions("k-late-erase", "EXITED").stream()
            .filter(d -> d.path("journey_id").isNull())
            .toList();
    assertThat(personLevel).hasSize(1);
    assertThat(decidedAt(personLevel.get(0))).isEqualTo(decidedAt(exit));
  }

  @Test
  void pushUnsubscribeExitsThenEmailIsUsed() throws Exception {
    JsonNode exit = exit("k-unsub-push");
    assertThat(exit.path("reason").asText()).isEqualTo("unsubscribed");
    assertThat(exit.path("facts").path("channel_withdrawn").asText()).isEqualTo("PUSH");
    assertThat(decidedAt(exit)).isEqualTo(Instant.parse(at("10:40")));
    assertThat(f.commands("k-unsub-push"))
        .containsExactly(
            "EMAIL step 1 at " + at("12:30") + " skus [SKU-2]",
            "PUSH step 1 at " + at("10:30") + " skus [SKU-1]");
    JsonNode second =
        decisions("k-unsub-push", "ENTERED").stream()
            .filter(d -> journey("k-unsub-push", "12:00").equals(d.path("journey_id").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(second.path("facts").path("channel").asText()).isEqualTo("EMAIL");
    assertThat(second.path("facts").path("push_unsubscribed").asText()).isEqualTo("true");
    assertThat(second.path("facts").path("active_in_app").asText()).isEqualTo("true");
  }

  @Test
  void lateUnsubscribeExitsWhenItApplies() throws Exception {
    assertThat(f.commands("k-late-unsub"))
        .containsExactly("PUSH step 1 at " + at("10:30") + " skus [SKU-1]");
    JsonNode exit = exit("k-late-unsub");
    assertThat(exit.path("reason").asText()).isEqualTo("unsubscribed");
    assertThat(exit.path("facts").path("cause_at").asText()).isEqualTo(at("10:40"));
    assertThat(decidedAt(exit)).isAfter(Instant.parse(at("12:59"))).isBefore(FOLLOW_UP_DUE);
  }

  @Test
  void emailUnsubscribeHoldsUntilTheCrmChangesConsent() throws Exception {
    String k = "k-unsub-email";
    assertThat(f.commands(k))
        .containsExactly(
            "EMAIL step 1 at " + at("10:30") + " skus [SKU-1]",
            "EMAIL step 1 at " + at("13:00") + " skus [SKU-4]");
    List<JsonNode> suppressed = decisions(k, "SUPPRESSED");
    assertThat(suppressed)
        .extracting(d -> d.path("journey_id").asText())
        .containsExactlyInAnyOrder(journey(k, "10:50"), journey(k, "11:40"));
    for (JsonNode d : suppressed) {
      assertThat(d.path("reason").asText()).isEqualTo("no-contactable-channel");
      assertThat(d.path("facts").path("email_unsubscribed").asText()).isEqualTo("true");
      assertThat(d.path("facts").path("email_consent").asText()).isEqualTo("OPTED_OUT");
    }
    // The email-first journey had no step left, so the unsubscribe ended nothing.
    assertThat(decisions(k, "EXITED")).isEmpty();
  }
}
