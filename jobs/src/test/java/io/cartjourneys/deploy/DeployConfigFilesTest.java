package io.cartjourneys.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cartjourneys.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job settings shipped in deploy/ load with the current settings classes, and the Kafka
 * security settings of the Kubernetes ConfigMap resolve their secrets through Kafka's own config
 * provider.
 */
class DeployConfigFilesTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final String SECRET_DIR = "/opt/cart-journeys/secrets/kafka";

  @Test
  void localSettingsLoad() throws Exception {
    JobConfig config = JobConfig.load(DEPLOY.resolve("local/job.yaml"));
    assertThat(config.kafka.bootstrapServers).isEqualTo("127.0.0.1:9092");
    assertThat(config.runtime.parallelism).isEqualTo(2);
  }

  @Test
  void kubernetesSettingsLoad(@TempDir Path dir) throws Exception {
    JobConfig config = JobConfig.load(kubernetesJobYaml(dir));
    assertThat(config.runtime.stateBackend).isEqualTo("rocksdb");
    assertThat(config.kafka.properties).containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void kafkaSecretsResolveFromMountedFiles(@TempDir Path dir) throws Exception {
    JobConfig config = JobConfig.load(kubernetesJobYaml(dir));
    // The Secret's files as Kubernetes would mount them, in a directory of the test's own.
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"cart-journeys\" password=\"test-only\";";
    Files.writeString(secrets.resolve("sasl.jaas.config"), jaas);

    Properties props = new Properties();
    config.kafka.properties.forEach(
        (key, value) -> props.put(key, value.replace(SECRET_DIR, secrets.toString())));
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka.bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // Kafka clients resolve ${provider:path:key} references when they read their settings.
    ConsumerConfig resolved = new ConsumerConfig(props);

    assertThat(resolved.getPassword(SaslConfigs.SASL_JAAS_CONFIG).value()).isEqualTo(jaas);
    assertThat(resolved.getString(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG))
        .isEqualTo(secrets.resolve("ca.crt").toString());
  }

  /** Writes the job.yaml entry of the Kubernetes ConfigMap to a file and returns it. */
  private static Path kubernetesJobYaml(Path dir) throws Exception {
    Map<?, ?> configMap =
        new ObjectMapper(new YAMLFactory())
            .readValue(DEPLOY.resolve("kubernetes/job-config.yaml").toFile(), Map.class);
    String jobYaml = (String) ((Map<?, ?>) configMap.get("data")).get("job.yaml");
    Path file = dir.resolve("job.yaml");
    Files.writeString(file, jobYaml);
    return file;
  }
}
