package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Quiet hours (22:00-08:00 local) through the whole job on the nights clocks change in 2026.
 * America/New_York springs forward on 8 March at 02:00 EST and falls back on 1 November at 02:00
 * EDT. Europe/Berlin springs forward on 29 March at 02:00 CET and falls back on 25 October at
 * 03:00 CEST.
 *
 * <p>Each case is a customer of its own. App users log in 10 minutes before their cart, so that the
 * first touch is a push and the follow-up email comes 4 hours later; web users get one email.
 * Several cases are chosen so that reading the local time with the offset of the wrong side of the
 * change would move the send by an hour or into quiet hours.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuietHoursDstITCase {
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private final ReplayFixture f = new ReplayFixture();

  private void profile(String k, ZoneId zone) {
    f.profiles.add(
        "{\"customer_id\":\""
            + k
            + "\",\"emails\":[\""
            + k
            + "@example.com\"],"
            + "\"time_zone\":\""
            + zone.getId()
            + "\","
            + "\"consent\":{\"email\":\"OPTED_IN\",\"push\":\"OPTED_IN\"},"
            + "\"updated_at\":\"2026-03-01T00:00:00Z\"}");
  }

  /** Adds a cart in the app at {@code cartAt} (UTC), after a login with a push token. */
  private void appCart(String k, ZoneId zone, String cartAt) {
    profile(k, zone);
    String login = Instant.parse(cartAt).minusSeconds(600).toString();
    f.events.add(
        "{\"event_id\":\"login-"
            + k
            + "\",\"event_type\":\"LOGIN\",\"occurred_at\":\""
            + login
            + "\",\"channel\":\"MOBILE_APP\",\"authenticated\":true,\"device_id\":\"d-"
            + k
            + "\",\"customer_id\":\""
            + k
            + "\",\"push_token\":\"tok-"
            + k
            + "\"}");
    f.event("cart-" + k, "ADD_TO_CART", cartAt, "MOBILE_APP", null, "d-" + k, k, true, "SKU-1");
  }

  /** Adds a cart on the web at {@code cartAt} (UTC). */
  private void webCart(String k, ZoneId zone, String cartAt) {
    profile(k, zone);
    f.event("cart-" + k, "ADD_TO_CART", cartAt, "WEB", null, null, k, true, "SKU-1");
  }

  @BeforeAll
  void replay() throws Exception {
    // Push at 20:30 EST on 7 March; the follow-up falls due at 00:30 EST and waits for 08:00 EDT.
    appCart("k-ny-spring-night", NEW_YORK, "2026-03-08T01:00:00Z");
    // Decided at 01:40 EST + 30 min = 03:10 EDT, just after the skipped hour: waits for 08:00 EDT.
    webCart("k-ny-spring-gap", NEW_YORK, "2026-03-08T06:40:00Z");
    // Decided at 08:30 EDT, outside quiet hours; read as EST it would be 07:30.
    webCart("k-ny-spring-morning", NEW_YORK, "2026-03-08T12:00:00Z");
    // Push at 21:30 EDT on 31 October; the follow-up falls due at the first 01:30 and waits for
    // 08:00 EST. Read as EDT, 08:00 would be 07:00 EST, still inside quiet hours.
    appCart("k-ny-fall-night", NEW_YORK, "2026-11-01T01:00:00Z");
    // Decided at 01:10 EST, in the hour that repeats: waits for 08:00 EST.
    webCart("k-ny-fall-repeated", NEW_YORK, "2026-11-01T05:40:00Z");
    // Decided at 21:30 EST on 1 November, outside quiet hours; read as EDT it would be 22:30.
    webCart("k-ny-fall-evening", NEW_YORK, "2026-11-02T02:00:00Z");
    // Push at 21:30 CET on 28 March; the follow-up falls due at 01:30 CET, waits for 08:00 CEST.
    appCart("k-berlin-spring-night", BERLIN, "2026-03-28T20:00:00Z");
    // Push at 21:30 CEST on 24 October; the follow-up falls due at 01:30 CEST, waits for 08:00 CET.
    appCart("k-berlin-fall-night", BERLIN, "2026-10-24T19:00:00Z");

    f.run(TestDirs.create("quiet-dst"), 2, JobConfig.load(null));
  }

  private List<JsonNode> commandsOf(String customer) throws Exception {
    List<JsonNode> all = new ArrayList<>(f.read("push.jsonl"));
    all.addAll(f.read("email.jsonl"));
    return all.stream().filter(c -> customer.equals(c.path("customer_id").asText())).toList();
  }

  /** Checks each command of the customer is outside 22:00-08:00 in its own time zone. */
  private void assertOutsideQuietHours(String customer, ZoneId zone) throws Exception {
    List<JsonNode> commands = commandsOf(customer);
    assertThat(commands).as("commands of %s", customer).isNotEmpty();
    for (JsonNode c : commands) {
      assertThat(c.path("time_zone").asText()).isEqualTo(zone.getId());
      OffsetDateTime deliverAfter = OffsetDateTime.parse(c.path("deliver_after").asText());
      LocalTime local = deliverAfter.toInstant().atZone(zone).toLocalTime();
      assertThat(local)
          .as("local time of step %d of %s", c.path("step").asInt(), customer)
          .isAfterOrEqualTo(LocalTime.of(8, 0))
          .isBefore(LocalTime.of(22, 0));
    }
  }

  /** The local_deliver_after fact of the customer's quiet-hours deferral of the given step. */
  private String deferredTo(String customer, int step) throws Exception {
    return f.read("decisions.jsonl").stream()
        .filter(d -> customer.equals(d.path("customer_id").asText()))
        .filter(d -> "DEFERRED".equals(d.path("outcome").asText()))
        .filter(d -> d.path("step").asInt() == step)
        .map(d -> d.path("facts").path("local_deliver_after").asText())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void springForwardNightDefersTheFollowUpToEightEdt() throws Exception {
    assertThat(f.commands("k-ny-spring-night"))
        .containsExactly(
            "EMAIL step 2 at 2026-03-08T12:00:00Z skus [SKU-1]",
            "PUSH step 1 at 2026-03-08T01:30:00Z skus [SKU-1]");
    assertThat(deferredTo("k-ny-spring-night", 2)).isEqualTo("2026-03-08T08:00-04:00");
    assertOutsideQuietHours("k-ny-spring-night", NEW_YORK);
  }

  @Test
  void decisionJustAfterTheSkippedHourWaitsForMorning() throws Exception {
    assertThat(f.commands("k-ny-spring-gap"))
        .containsExactly("EMAIL step 1 at 2026-03-08T12:00:00Z skus [SKU-1]");
    assertThat(deferredTo("k-ny-spring-gap", 1)).isEqualTo("2026-03-08T08:00-04:00");
    assertOutsideQuietHours("k-ny-spring-gap", NEW_YORK);
  }

  @Test
  void morningAfterSpringForwardIsNotQuiet() throws Exception {
    assertThat(f.commands("k-ny-spring-morning"))
        .containsExactly("EMAIL step 1 at 2026-03-08T12:30:00Z skus [SKU-1]");
    assertOutsideQuietHours("k-ny-spring-morning", NEW_YORK);
  }

  @Test
  void fallBackNightDefersTheFollowUpToEightEst() throws Exception {
    assertThat(f.commands("k-ny-fall-night"))
        .containsExactly(
            "EMAIL step 2 at 2026-11-01T13:00:00Z skus [SKU-1]",
            "PUSH step 1 at 2026-11-01T01:30:00Z skus [SKU-1]");
    assertThat(deferredTo("k-ny-fall-night", 2)).isEqualTo("2026-11-01T08:00-05:00");
    assertOutsideQuietHours("k-ny-fall-night", NEW_YORK);
  }

  @Test
  void decisionInTheRepeatedHourWaitsForMorning() throws Exception {
    assertThat(f.commands("k-ny-fall-repeated"))
        .containsExactly("EMAIL step 1 at 2026-11-01T13:00:00Z skus [SKU-1]");
    assertOutsideQuietHours("k-ny-fall-repeated", NEW_YORK);
  }

  @Test
  void eveningAfterFallBackIsNotQuietYet() throws Exception {
    assertThat(f.commands("k-ny-fall-evening"))
        .containsExactly("EMAIL step 1 at 2026-11-02T02:30:00Z skus [SKU-1]");
    assertOutsideQuietHours("k-ny-fall-evening", NEW_YORK);
  }

  @Test
  void berlinNightsFollowEuropeanChangeDates() throws Exception {
    assertThat(f.commands("k-berlin-spring-night"))
        .containsExactly(
            "EMAIL step 2 at 2026-03-29T06:00:00Z skus [SKU-1]",
            "PUSH step 1 at 2026-03-28T20:30:00Z skus [SKU-1]");
    assertThat(f.commands("k-berlin-fall-night"))
        .containsExactly(
            "EMAIL step 2 at 2026-10-25T07:00:00Z skus [SKU-1]",
            "PUSH step 1 at 2026-10-24T19:30:00Z skus [SKU-1]");
    assertThat(deferredTo("k-berlin-spring-night", 2)).isEqualTo("2026-03-29T08:00+02:00");
    assertThat(deferredTo("k-berlin-fall-night", 2)).isEqualTo("2026-10-25T08:00+01:00");
    assertOutsideQuietHours("k-berlin-spring-night", BERLIN);
    assertOutsideQuietHours("k-berlin-fall-night", BERLIN);
  }
}
