package io.cartjourneys.io.replay;

import io.cartjourneys.avro.Conversion;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.io.OutputJson;
import io.cartjourneys.topology.JourneySinks;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The replay outputs: one JSON Lines file per output in a directory. */
public final class ReplaySinks implements JourneySinks {
  public static final String PUSH = "push.jsonl";
  public static final String EMAIL = "email.jsonl";
  public static final String DECISIONS = "decisions.jsonl";
  public static final String CONVERSIONS = "conversions.jsonl";
  public static final String DEAD_LETTERS = "dead-letters.jsonl";

  /** Every output file, in the order the replay summary lists them. */
  public static final List<String> ALL = List.of(PUSH, EMAIL, DECISIONS, CONVERSIONS, DEAD_LETTERS);

  private final Path dir;

  public ReplaySinks(Path dir) {
    this.dir = dir;
  }

  @Override
  public void push(DataStream<EngagementCommand> commands) {
    commands
        .sinkTo(new JsonLinesSink<>(dir.resolve(PUSH), OutputJson::command))
        .setParallelism(1)
        .uid("sink-push-file")
        .name("Push commands file");
  }

  @Override
  public void email(DataStream<EngagementCommand> commands) {
    commands
        .sinkTo(new JsonLinesSink<>(dir.resolve(EMAIL), OutputJson::command))
        .setParallelism(1)
        .uid("sink-email-file")
        .name("Email commands file");
  }

  @Override
  public void decisions(DataStream<Decision> decisions) {
    decisions
        .sinkTo(new JsonLinesSink<>(dir.resolve(DECISIONS), OutputJson::decision))
        .setParallelism(1)
        .uid("sink-decisions-file")
        .name("Decisions file");
  }

  @Override
  public void conversions(DataStream<Conversion> conversions) {
    conversions
        .sinkTo(new JsonLinesSink<>(dir.resolve(CONVERSIONS), OutputJson::conversion))
        .setParallelism(1)
        .uid("sink-conversions-file")
        .name("Conversions file");
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    deadLetters
        .sinkTo(new JsonLinesSink<>(dir.resolve(DEAD_LETTERS), OutputJson::deadLetter))
        .setParallelism(1)
        .uid("sink-dead-letters-file")
        .name("Dead letters file");
  }
}
