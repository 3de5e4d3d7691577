package io.cartjourneys.upgrade;

import io.cartjourneys.avro.Conversion;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.io.OutputJson;
import io.cartjourneys.topology.JourneySinks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Sinks that keep every output record as a JSON line in memory, per run and output, for jobs on a
 * MiniCluster in this JVM. They hold no state, so a restored job writes to them like a new one.
 */
final class CollectingSinks implements JourneySinks {
  static final String PUSH = "push";
  static final String EMAIL = "email";
  static final String DECISIONS = "decisions";
  static final String CONVERSIONS = "conversions";
  static final String DEAD_LETTERS = "dead-letters";
  static final List<String> OUTPUTS = List.of(PUSH, EMAIL, DECISIONS, CONVERSIONS, DEAD_LETTERS);

  private static final Map<String, Queue<String>> LINES = new ConcurrentHashMap<>();

  private final String run;

  CollectingSinks(String run) {
    this.run = run;
  }

  /** Returns the lines a run wrote to one output so far, sorted. */
  static List<String> lines(String run, String output) {
    Queue<String> queue = LINES.get(run + "/" + output);
    List<String> sorted = new ArrayList<>(queue == null ? List.of() : queue);
    Collections.sort(sorted);
    return sorted;
  }

  @Override
  public void push(DataStream<EngagementCommand> commands) {
    attach(commands, PUSH, OutputJson::command);
  }

  @Override
  public void email(DataStream<EngagementCommand> commands) {
    attach(commands, EMAIL, OutputJson::command);
  }

  @Override
  public void decisions(DataStream<Decision> decisions) {
    attach(decisions, DECISIONS, OutputJson::decision);
  }

  @Override
  public void conversions(DataStream<Conversion> conversions) {
    attach(conversions, CONVERSIONS, OutputJson::conversion);
  }

  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    attach(deadLetters, DEAD_LETTERS, OutputJson::deadLetter);
  }

  private <T> void attach(
      DataStream<T> stream, String output, SerializableFunction<T, String> toJson) {
    stream
        .sinkTo(new Collect<>(run + "/" + output, toJson))
        .uid("sink-" + output)
        .name("Collect " + output);
  }

  private static final class Collect<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final SerializableFunction<T, String> toJson;

    Collect(String key, SerializableFunction<T, String> toJson) {
      this.key = key;
      this.toJson = toJson;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
      Queue<String> queue = LINES.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>());
      return new SinkWriter<>() {
        @Override
        public void write(T element, Context ctx) {
          queue.add(toJson.apply(element));
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
