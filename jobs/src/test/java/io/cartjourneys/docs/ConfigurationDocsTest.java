package io.cartjourneys.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.RepositoryFiles;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.config.Option;
import io.cartjourneys.config.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Fails when docs/configuration.md or deploy/config/example.yaml differ from what the options model
 * generates, and checks that the example file loads to exactly the defaults.
 */
class ConfigurationDocsTest {
  @Test
  void configurationReferenceIsCurrent() throws IOException {
    assertThat(read(ReferenceDocs.CONFIGURATION))
        .as(
            "%s is out of date; regenerate it with: %s",
            ReferenceDocs.CONFIGURATION, ReferenceDocs.REGENERATE)
        .isEqualTo(ReferenceDocs.configurationMarkdown());
  }

  @Test
  void exampleYamlIsCurrent() throws IOException {
    assertThat(read(ReferenceDocs.EXAMPLE_YAML))
        .as(
            "%s is out of date; regenerate it with: %s",
            ReferenceDocs.EXAMPLE_YAML, ReferenceDocs.REGENERATE)
        .isEqualTo(ReferenceDocs.exampleYaml());
  }

  @Test
  void exampleYamlLoadsToTheDefaults() throws IOException {
    Path example = RepositoryFiles.resolve(ReferenceDocs.EXAMPLE_YAML);
    JobConfig loaded = JobConfig.load(example);
    for (Option o : Options.all()) {
      assertThat(o.get(loaded)).as(o.key()).isEqualTo(o.defaultValue());
    }
  }

  @Test
  void exampleYamlListsEveryKey() throws IOException {
    String yaml = read(ReferenceDocs.EXAMPLE_YAML);
    for (Option o : Options.all()) {
      assertThat(yaml).as(o.key()).contains("\n  " + o.name() + ": ");
    }
  }

  @Test
  void referenceListsEveryKey() {
    String page = ReferenceDocs.configurationMarkdown();
    for (Option o : Options.all()) {
      assertThat(page).as(o.key()).contains("| `" + o.key() + "` |");
    }
  }

  private static String read(String relative) throws IOException {
    return Files.readString(RepositoryFiles.resolve(relative));
  }
}
