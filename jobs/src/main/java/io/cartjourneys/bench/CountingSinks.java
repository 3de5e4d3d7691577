package io.cartjourneys.bench;

import io.cartjourneys.avro.Conversion;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.topology.JourneySinks;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The job graph's outputs, counted and discarded, so that a benchmark measures the job alone. */
final class CountingSinks implements JourneySinks {
  static final String PUSH = "push";
  static final String EMAIL = "email";
  static final String DECISIONS = "decisions";
  static final String CONVERSIONS = "conversions";
  static final String DEAD_LETTERS = "dead_letters";

  @Override
  public void push(DataStream<EngagementCommand> commands) {
    commands.sinkTo(new CountingSink<>(PUSH)).uid("sink-push-count").name("Count push commands");
  }

  @Override
  public void email(DataStream<EngagementCommand> commands) {
    commands.sinkTo(new CountingSink<>(EMAIL)).uid("sink-email-count").name("Count email commands");
  }

  @Override
  public void decisions(DataStream<Decision> decisions) {
    decisions
        .sinkTo(new CountingSink<>(DECISIONS))
        .uid("sink-decisions-count")
        .name("Count decisions");
  }

  @Override
  public void conversions(DataStream<Conversion> conversions) {
    conversions
        .sinkTo(new CountingSink<>(CONVERSIONS))
        .uid("sink-conversions-count")
        .name("Count conversions");
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    deadLetters
        .sinkTo(new CountingSink<>(DEAD_LETTERS))
        .uid("sink-dead-letters-count")
        .name("Count dead letters");
  }
}
