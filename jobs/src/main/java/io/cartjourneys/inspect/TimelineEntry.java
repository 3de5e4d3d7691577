package io.cartjourneys.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One decision about a customer, read from the JSON Lines form of {@code Decision}.
 *
 * @param facts the decision's facts by name; times among them are ISO-8601 UTC
 */
public record TimelineEntry(
    Instant decidedAt,
    String outcome,
    String reason,
    Integer step,
    String channel,
    String journeyId,
    Instant episodeStartedAt,
    String commandId,
    SortedMap<String, String> facts) {

  /**
   * Time order. Decisions of one instant follow the order in which the job makes them. The
   * decision to enter comes before the steps it plans, and steps go by number, because a sent push
   * and the follow-up it defers share an instant. Conversions and exits come last.
   */
  public static final Comparator<TimelineEntry> ORDER =
      Comparator.comparing(TimelineEntry::decidedAt)
          .thenComparingInt(TimelineEntry::phase)
          .thenComparingInt(e -> e.step == null ? 0 : e.step)
          .thenComparingInt(TimelineEntry::outcomeRank)
          .thenComparing(e -> e.reason == null ? "" : e.reason);

  /** Parses one line of decisions.jsonl, as {@code OutputJson.decision} writes it. */
  public static TimelineEntry fromJson(JsonNode n) {
    SortedMap<String, String> facts = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = n.path("facts").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      facts.put(f.getKey(), f.getValue().asText());
    }
    return new TimelineEntry(
        instant(n.path("decided_at")),
        text(n.path("outcome")),
        text(n.path("reason")),
        n.path("step").isIntegralNumber() ? n.path("step").asInt() : null,
        text(n.path("channel")),
        text(n.path("journey_id")),
        instant(n.path("episode_started_at")),
        text(n.path("command_id")),
        facts);
  }

  /** Formats the headline: outcome, reason, step and channel, such as "SENT step 1 PUSH". */
  public String headline() {
    StringBuilder b = new StringBuilder(outcome);
    if (reason != null) {
      b.append(' ').append(reason);
    }
    if (step != null) {
      b.append(" step ").append(step);
    }
    if (channel != null) {
      b.append(' ').append(channel);
    }
    return b.toString();
  }

  private int phase() {
    return switch (outcome) {
      case "REJECTED_LINK", "LINK_MOVED" -> 0;
      case "ENTERED", "HOLDOUT", "SUPPRESSED" -> 1;
      case "CONVERTED", "EXITED" -> 3;
      default -> 2; // steps: SKIPPED, DEFERRED, SENT
    };
  }

  private int outcomeRank() {
    return switch (outcome) {
      case "SKIPPED" -> 0;
      case "DEFERRED" -> 1;
      case "SENT" -> 2;
      case "CONVERTED" -> 3;
      case "EXITED" -> 4;
      default -> 5;
    };
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  private static Instant instant(JsonNode n) {
    String t = text(n);
    return t == null ? null : OffsetDateTime.parse(t).toInstant();
  }
}
