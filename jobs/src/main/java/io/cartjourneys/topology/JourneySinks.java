package io.cartjourneys.topology;

import io.cartjourneys.avro.Conversion;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Where the job graph's outputs go. Replay attaches JSON Lines files, live mode attaches Kafka
 * topics, tests attach collectors; the graph itself is the same in every mode.
 */
public interface JourneySinks {
  void push(DataStream<EngagementCommand> commands);

  void email(DataStream<EngagementCommand> commands);

  void decisions(DataStream<Decision> decisions);

  void conversions(DataStream<Conversion> conversions);

  void deadLetters(DataStream<DeadLetter> deadLetters);
}
