package io.cartjourneys.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Fails when the metrics table in docs/observability.md differs from the job's metric list. */
class ReferenceDocsTest {
  @Test
  void observabilityMetricsTableIsCurrent() throws IOException {
    String committed = Files.readString(RepositoryFiles.resolve(ReferenceDocs.OBSERVABILITY));
    assertThat(committed)
        .as(
            "%s is out of date; regenerate it with: %s",
            ReferenceDocs.OBSERVABILITY, ReferenceDocs.REGENERATE)
        .isEqualTo(ReferenceDocs.withMetricsTable(committed));
  }
}
