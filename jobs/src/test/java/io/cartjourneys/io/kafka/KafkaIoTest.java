package io.cartjourneys.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.topology.JourneyTopology;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaIoTest {

  @Test
  void kafkaOperatorsHaveStableUids() {
    JobConfig config = new JobConfig();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JourneyTopology.buildTimed(
        config,
        KafkaIo.inputs(env, config, Boundedness.CONTINUOUS_UNBOUNDED),
        KafkaIo.sinks(config));

    StreamGraph graph = env.getStreamGraph();

    List<String> uids =
        graph.getStreamNodes().stream()
            .map(StreamNode::getTransformationUID)
            .filter(uid -> uid != null && uid.startsWith("kafka-source-"))
            .sorted()
            .toList();
    assertThat(uids)
        .containsExactly(
            "kafka-source-events",
            "kafka-source-feedback",
            "kafka-source-links",
            "kafka-source-profiles");
    // A sink is a writer and a committer; the committer's uid is derived from the sink's.
    assertThat(graph.getStreamNodes())
        .filteredOn(n -> n.getOperatorName().startsWith("Kafka "))
        .isNotEmpty()
        .allSatisfy(n -> assertThat(n.getTransformationUID()).contains("kafka-sink-"));
  }

  @Test
  void clientPropertiesPassedThrough() {
    JobConfig.Kafka kafka = new JobConfig.Kafka();
    kafka.properties.put("security.protocol", "SASL_SSL");
    kafka.properties.put("isolation.level", "read_uncommitted");
    kafka.properties.put("transaction.timeout.ms", "300000");

    assertThat(KafkaIo.consumerProperties(kafka))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    assertThat(KafkaSinks.producerProperties(kafka))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "300000");
  }

  @Test
  void defaultsReadCommittedWithTransactionTimeoutBelowBrokerMax() {
    JobConfig.Kafka kafka = new JobConfig.Kafka();

    assertThat(KafkaIo.consumerProperties(kafka))
        .containsExactlyEntriesOf(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    // The broker's default transaction.max.timeout.ms is 15 minutes.
    assertThat(
            Long.parseLong(
                (String)
                    KafkaSinks.producerProperties(kafka)
                        .get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)))
        .isLessThan(15 * 60 * 1000L);
  }
}
