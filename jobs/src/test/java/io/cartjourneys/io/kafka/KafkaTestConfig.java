package io.cartjourneys.io.kafka;

import io.cartjourneys.config.JobConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Job settings for tests against a {@link LocalKafka}, with topics of their own. */
public final class KafkaTestConfig {
  private KafkaTestConfig() {}

  /**
   * Returns settings whose topics, group and transactional ids all start with the name, so that
   * tests sharing a broker do not see each other's records, and creates the topics with two
   * partitions each. Parallelism is 2 and checkpoints run every second.
   */
  public static JobConfig create(LocalKafka kafka, String name) throws IOException {
    JobConfig config = new JobConfig();
    JobConfig.Kafka k = config.kafka;
    k.bootstrapServers = kafka.bootstrapServers();
    k.groupId = name;
    k.transactionalIdPrefix = name;
    k.eventsTopic = name + ".events";
    k.profilesTopic = name + ".profiles";
    k.linksTopic = name + ".links";
    k.feedbackTopic = name + ".feedback";
    k.pushTopic = name + ".push";
    k.emailTopic = name + ".email";
    k.decisionsTopic = name + ".decisions";
    k.conversionsTopic = name + ".conversions";
    k.deadLettersTopic = name + ".dead-letters";
    config.runtime.parallelism = 2;
    config.runtime.checkpointInterval = Duration.ofSeconds(1);
    config.validate();

    Map<String, Integer> topics = new LinkedHashMap<>();
    for (String topic :
        List.of(
            k.eventsTopic,
            k.profilesTopic,
            k.linksTopic,
            k.feedbackTopic,
            k.pushTopic,
            k.emailTopic,
            k.decisionsTopic,
            k.conversionsTopic,
            k.deadLettersTopic)) {
      topics.put(topic, 2);
    }
    kafka.createTopics(topics);
    return config;
  }
}
