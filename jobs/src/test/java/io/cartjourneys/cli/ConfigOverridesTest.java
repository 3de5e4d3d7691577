package io.cartjourneys.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cartjourneys.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigOverridesTest {
  @TempDir Path dir;

  @Test
  void overrideKeepsOtherFileKeys() throws Exception {
    Path file = dir.resolve("job.yaml");
    Files.writeString(
        file,
        "kafka:\n  bootstrap-servers: broker:9093\n  group-id: from-file\n"
            + "runtime:\n  parallelism: 3\n");

    JobConfig config =
        ConfigOverrides.load(
            file, overrides("kafka.group-id", "from-set", "runtime.checkpoint-interval", "30s"));

    assertThat(config.kafka.bootstrapServers).isEqualTo("broker:9093");
    assertThat(config.kafka.groupId).isEqualTo("from-set");
    assertThat(config.runtime.parallelism).isEqualTo(3);
    assertThat(config.runtime.checkpointInterval).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void kafkaPropertyNamesKeepTheirDots() throws Exception {
    JobConfig config =
        ConfigOverrides.load(
            null,
            overrides(
                "kafka.properties.security.protocol", "SASL_SSL",
                "kafka.properties.sasl.mechanism", "PLAIN"));

    assertThat(config.kafka.properties)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"));
  }

  @Test
  void typedValuesParsed() throws Exception {
    JobConfig config =
        ConfigOverrides.load(
            null,
            overrides(
                "runtime.parallelism", "4",
                "journey.holdout-percent", "12.5",
                "identity.block-list", "[guest, test]"));

    assertThat(config.runtime.parallelism).isEqualTo(4);
    assertThat(config.journey.holdoutPercent).isEqualTo(12.5);
    assertThat(config.identity.blockList).containsExactly("guest", "test");
  }

  @Test
  void unknownKeyRejected() {
    assertThatThrownBy(() -> ConfigOverrides.load(null, overrides("kafka.bootstrap", "x:1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bootstrap");
  }

  @Test
  void invalidValueRejected() {
    assertThatThrownBy(
            () -> ConfigOverrides.load(null, overrides("runtime.state-backend", "memory")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("runtime.state-backend");
  }

  private static Map<String, String> overrides(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
