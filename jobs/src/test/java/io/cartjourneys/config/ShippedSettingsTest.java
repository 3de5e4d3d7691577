package io.cartjourneys.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cartjourneys.RepositoryFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the job settings shipped in deploy/ through the options model, as the job would. */
class ShippedSettingsTest {
  @TempDir Path dir;

  @Test
  void kubernetesJobSettingsAreValid() throws Exception {
    JsonNode configMap =
        new ObjectMapper(new YAMLFactory())
            .readTree(RepositoryFiles.resolve("deploy/kubernetes/job-config.yaml").toFile());
    Path jobYaml = dir.resolve("job.yaml");
    Files.writeString(jobYaml, configMap.path("data").path("job.yaml").asText());

    JobConfig config = JobConfig.load(jobYaml);

    assertThat(config.kafka.properties).containsKey("sasl.jaas.config");
  }
}
