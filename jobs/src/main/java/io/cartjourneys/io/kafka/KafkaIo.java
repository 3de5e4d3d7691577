package io.cartjourneys.io.kafka;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.ingest.InputWatermarks;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import io.cartjourneys.topology.JourneySinks;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The job's Kafka inputs and outputs: one source per input topic, unioned into the raw record
 * stream, and {@link KafkaSinks} for the outputs. Every client gets {@code kafka.properties}
 * (security settings and the like) unchanged.
 *
 * <p>The sources assign event time themselves, from each record's own time, with one watermark per
 * partition. Flink passes on the minimum over all partitions of all four topics, so when one topic
 * is read faster than another, for example while catching up on a backlog, none of the slower
 * topic's records become late. The graph must therefore be built with {@link
 * io.cartjourneys.topology.JourneyTopology#buildTimed}, which keeps these watermarks, and not with
 * a method that assigns its own after the inputs are merged.
 */
public final class KafkaIo {
  private KafkaIo() {}

  /**
   * Builds the four input sources and unions them. The stream carries event-time timestamps and
   * watermarks.
   *
   * @param boundedness {@link Boundedness#CONTINUOUS_UNBOUNDED} for a production job; {@link
   *     Boundedness#BOUNDED} stops each partition at the offset that was latest when the job
   *     started, so the job ends, the final watermark fires every timer and a final checkpoint
   *     commits the output
   */
  public static DataStream<RawRecord> inputs(
      StreamExecutionEnvironment env, JobConfig config, Boundedness boundedness) {
    DataStream<RawRecord> merged = null;
    for (SourceKind kind : SourceKind.values()) {
      String topic = inputTopic(config.kafka, kind);
      DataStream<RawRecord> input =
          env.fromSource(
                  source(config, kind, topic, boundedness),
                  eventTime(config, boundedness),
                  "Kafka " + kind.label())
              .uid("kafka-source-" + kind.label())
              .name("Kafka " + kind.label() + " (" + topic + ")");
      merged = merged == null ? input : merged.union(input);
    }
    return merged;
  }

  /** The sinks that write every output to its topic with exactly-once delivery. */
  public static JourneySinks sinks(JobConfig config) {
    return new KafkaSinks(config.kafka);
  }

  /** The topic an input is read from. */
  public static String inputTopic(JobConfig.Kafka kafka, SourceKind kind) {
    return switch (kind) {
      case PROFILES -> kafka.profilesTopic;
      case LINKS -> kafka.linksTopic;
      case EVENTS -> kafka.eventsTopic;
      case FEEDBACK -> kafka.feedbackTopic;
    };
  }

  private static KafkaSource<RawRecord> source(
      JobConfig config, SourceKind kind, String topic, Boundedness boundedness) {
    KafkaSourceBuilder<RawRecord> builder =
        KafkaSource.<RawRecord>builder()
            .setProperties(consumerProperties(config.kafka))
            .setBootstrapServers(config.kafka.bootstrapServers)
            .setGroupId(config.kafka.groupId)
            .setClientIdPrefix(config.kafka.groupId + "-" + kind.label())
            .setTopics(topic)
            .setStartingOffsets(OffsetsInitializer.committedOffsets(resetStrategy(config.kafka)))
            .setDeserializer(new RawRecordDeserializer(kind));
    if (boundedness == Boundedness.BOUNDED) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  /**
   * Returns the event time of one topic: {@link InputWatermarks} with one generator per partition.
   * An unbounded read is live mode, so an idle partition's watermark follows the wall clock
   * whatever {@code time.follow-wall-clock-when-idle} says. Due steps then still fire at night when
   * no input arrives, and an empty partition does not hold the others back. A bounded read ends
   * with a final watermark instead. A record more than {@code time.max-jump} ahead of the largest
   * time the reader has seen is dead-lettered by ingest.
   */
  private static WatermarkStrategy<RawRecord> eventTime(JobConfig config, Boundedness boundedness) {
    Duration idle = boundedness == Boundedness.BOUNDED ? null : config.time.idleTimeout;
    return InputWatermarks.strategy(config.time.watermarkLag, idle, config.time.maxJump);
  }

  private static OffsetResetStrategy resetStrategy(JobConfig.Kafka kafka) {
    return switch (kafka.startingOffsets.toLowerCase(Locale.ROOT)) {
      case "earliest" -> OffsetResetStrategy.EARLIEST;
      case "latest" -> OffsetResetStrategy.LATEST;
      default ->
          throw new IllegalArgumentException(
              "kafka.starting-offsets must be earliest or latest, not '"
                  + kafka.startingOffsets
                  + "'");
    };
  }

  /**
   * Consumer settings: read only committed records, so that output of an upstream transactional
   * producer is read once, unless {@code kafka.properties} sets another isolation level.
   */
  static Properties consumerProperties(JobConfig.Kafka kafka) {
    Properties props = new Properties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putAll(kafka.properties);
    return props;
  }
}
