package io.cartjourneys.io.kafka;

import io.cartjourneys.avro.Conversion;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.topology.JourneySinks;
import java.time.Duration;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Writes each output to its Kafka topic in Avro single-object encoding with exactly-once delivery.
 *
 * <p>Records are written in Kafka transactions that commit when a checkpoint completes, so a
 * consumer with {@code isolation.level=read_committed} sees each record once, one checkpoint
 * interval after it was produced. Without checkpointing nothing is committed. Each sink has its own
 * transactional id prefix, {@code kafka.transactional-id-prefix} plus the output name, because two
 * sinks sharing a prefix would fence each other's producers.
 */
public final class KafkaSinks implements JourneySinks {
  /**
   * Producer transaction timeout unless {@code kafka.properties} sets one. It must not exceed the
   * broker's {@code transaction.max.timeout.ms} (15 minutes by default), and a transaction left
   * open longer than this by a stopped job is aborted by the broker, so raise both together when
   * restarts may take longer.
   */
  static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

  private final JobConfig.Kafka kafka;

  public KafkaSinks(JobConfig.Kafka kafka) {
    this.kafka = kafka;
  }

  @Override
  public void push(DataStream<EngagementCommand> commands) {
    commands
        .sinkTo(
            sink(
                "push", kafka.pushTopic, EngagementCommand.class, EngagementCommand::getCustomerId))
        .uid("kafka-sink-push")
        .name("Kafka push commands (" + kafka.pushTopic + ")");
  }

  @Override
  public void email(DataStream<EngagementCommand> commands) {
    commands
        .sinkTo(
            sink(
                "email",
                kafka.emailTopic,
                EngagementCommand.class,
                EngagementCommand::getCustomerId))
        .uid("kafka-sink-email")
        .name("Kafka email commands (" + kafka.emailTopic + ")");
  }

  @Override
  public void decisions(DataStream<Decision> decisions) {
    decisions
        .sinkTo(sink("decisions", kafka.decisionsTopic, Decision.class, Decision::getCustomerId))
        .uid("kafka-sink-decisions")
        .name("Kafka decisions (" + kafka.decisionsTopic + ")");
  }

  @Override
  public void conversions(DataStream<Conversion> conversions) {
    conversions
        .sinkTo(
            sink(
                "conversions", kafka.conversionsTopic, Conversion.class, Conversion::getCustomerId))
        .uid("kafka-sink-conversions")
        .name("Kafka conversions (" + kafka.conversionsTopic + ")");
  }

  /** Dead letters belong to no known customer, so they are written without a key. */
  @Override
  public void deadLetters(DataStream<DeadLetter> deadLetters) {
    deadLetters
        .sinkTo(sink("dead-letters", kafka.deadLettersTopic, DeadLetter.class, letter -> null))
        .uid("kafka-sink-dead-letters")
        .name("Kafka dead letters (" + kafka.deadLettersTopic + ")");
  }

  private <T extends SpecificRecord> KafkaSink<T> sink(
      String output, String topic, Class<T> type, SerializableFunction<T, String> key) {
    return KafkaSink.<T>builder()
        .setKafkaProducerConfig(producerProperties(kafka))
        .setBootstrapServers(kafka.bootstrapServers)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(kafka.transactionalIdPrefix + "-" + output)
        .setRecordSerializer(new AvroRecordSerializer<>(topic, type, key))
        .build();
  }

  static Properties producerProperties(JobConfig.Kafka kafka) {
    Properties props = new Properties();
    props.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        String.valueOf(DEFAULT_TRANSACTION_TIMEOUT.toMillis()));
    props.putAll(kafka.properties);
    return props;
  }
}
