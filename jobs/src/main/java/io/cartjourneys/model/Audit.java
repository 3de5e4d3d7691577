package io.cartjourneys.model;

import io.cartjourneys.avro.CommandChannel;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.Outcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds decision audit records with deterministic ids. Facts never hold personal data. */
public final class Audit {
  private final Decision.Builder b = Decision.newBuilder();
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final String customerId;
  private final long at;
  private final Outcome outcome;

  private Audit(String customerId, long at, Outcome outcome) {
    this.customerId = customerId;
    this.at = at;
    this.outcome = outcome;
    b.setCustomerId(customerId).setDecidedAt(Instant.ofEpochMilli(at)).setOutcome(outcome);
  }

  public static Audit of(String customerId, long at, Outcome outcome) {
    return new Audit(customerId, at, outcome);
  }

  public Audit reason(String reason) {
    b.setReason(reason);
    return this;
  }

  public Audit journey(String journeyId, long episodeStartedAt) {
    b.setJourneyId(journeyId);
    b.setEpisodeStartedAt(Instant.ofEpochMilli(episodeStartedAt));
    return this;
  }

  public Audit step(int step, CommandChannel channel, String commandId) {
    b.setStep(step).setChannel(channel).setCommandId(commandId);
    return this;
  }

  public Audit fact(String name, Object value) {
    if (value != null) {
      facts.put(name, String.valueOf(value));
    }
    return this;
  }

  public Audit time(String name, long epochMillis) {
    if (epochMillis > 0) {
      facts.put(name, Instant.ofEpochMilli(epochMillis).toString());
    }
    return this;
  }

  public Decision build() {
    b.setFacts(facts);
    b.setDecisionId(
        "d-"
            + Ids.hash(
                    customerId,
                    Long.toString(at),
                    outcome.name(),
                    String.valueOf(b.getJourneyId()),
                    String.valueOf(b.getStep()),
                    String.valueOf(b.getReason()),
                    facts.toString())
                .substring(0, 24));
    return b.build();
  }
}
