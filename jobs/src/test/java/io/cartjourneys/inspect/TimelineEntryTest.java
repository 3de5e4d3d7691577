package io.cartjourneys.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TimelineEntryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void parsesEveryField() throws Exception {
    TimelineEntry e =
        TimelineEntry.fromJson(
            JSON.readTree(
                "{\"decision_id\":\"d-1\",\"customer_id\":\"k-1\",\"journey_id\":\"j-1\","
                    + "\"episode_started_at\":\"2026-03-14T15:41:00Z\","
                    + "\"decided_at\":\"2026-03-14T21:41:00+05:30\",\"outcome\":\"SENT\","
                    + "\"reason\":null,\"step\":1,\"channel\":\"PUSH\",\"command_id\":\"c-1\","
                    + "\"facts\":{\"template\":\"t\",\"a\":\"b\"}}"));

    assertThat(e.decidedAt()).isEqualTo(Instant.parse("2026-03-14T16:11:00Z"));
    assertThat(e.outcome()).isEqualTo("SENT");
    assertThat(e.reason()).isNull();
    assertThat(e.step()).isEqualTo(1);
    assertThat(e.channel()).isEqualTo("PUSH");
    assertThat(e.journeyId()).isEqualTo("j-1");
    assertThat(e.episodeStartedAt()).isEqualTo(Instant.parse("2026-03-14T15:41:00Z"));
    assertThat(e.commandId()).isEqualTo("c-1");
    assertThat(e.facts()).containsExactly(fact("a", "b"), fact("template", "t"));
    assertThat(e.headline()).isEqualTo("SENT step 1 PUSH");
  }

  @Test
  void missingOptionalFieldsAreNull() throws Exception {
    TimelineEntry e =
        TimelineEntry.fromJson(
            JSON.readTree(
                "{\"customer_id\":\"k-1\",\"decided_at\":\"2026-03-14T16:11:00Z\","
                    + "\"outcome\":\"SUPPRESSED\",\"reason\":\"cooldown\"}"));

    assertThat(e.step()).isNull();
    assertThat(e.channel()).isNull();
    assertThat(e.journeyId()).isNull();
    assertThat(e.episodeStartedAt()).isNull();
    assertThat(e.facts()).isEmpty();
    assertThat(e.headline()).isEqualTo("SUPPRESSED cooldown");
  }

  @Test
  void sameInstantFollowsTheOrderOfTheJob() {
    Instant t = Instant.parse("2026-03-14T16:11:00Z");
    List<TimelineEntry> entries =
        new ArrayList<>(
            List.of(
                entry(t, "EXITED", "purchased", null),
                entry(t, "DEFERRED", "quiet-hours", 2),
                entry(t.minusSeconds(60), "SKIPPED", "unknown-time-zone", null),
                entry(t, "SENT", null, 1),
                entry(t, "CONVERTED", null, null),
                entry(t, "ENTERED", null, null)));

    entries.sort(TimelineEntry.ORDER);

    assertThat(entries)
        .extracting(TimelineEntry::headline)
        .containsExactly(
            "SKIPPED unknown-time-zone",
            "ENTERED",
            "SENT step 1",
            "DEFERRED quiet-hours step 2",
            "CONVERTED",
            "EXITED purchased");
  }

  private static TimelineEntry entry(Instant at, String outcome, String reason, Integer step) {
    return new TimelineEntry(
        at, outcome, reason, step, null, null, null, null, new TreeMap<>());
  }

  private static Map.Entry<String, String> fact(String key, String value) {
    return Map.entry(key, value);
  }
}
