package io.cartjourneys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
  @TempDir Path dir;

  @Test
  void defaultsMatchTheProductTable() throws Exception {
    JobConfig c = JobConfig.load(null);
    assertThat(c.journey.inactivity).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.journey.recencyLimit).isEqualTo(Duration.ofHours(24));
    assertThat(c.journey.followUpDelay).isEqualTo(Duration.ofHours(4));
    assertThat(c.journey.commandExpiry).isEqualTo(Duration.ofHours(6));
    assertThat(c.journey.reentryCooldown).isEqualTo(Duration.ofDays(7));
    assertThat(c.journey.attributionWindow).isEqualTo(Duration.ofDays(3));
    assertThat(c.journey.holdoutPercent).isZero();
    assertThat(c.time.watermarkLag).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.runtime.checkpointInterval).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void yamlOverridesOnlyWhatItNames() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(
        f, "journey:\n  inactivity: 45m\n  default-time-zone: Europe/Berlin\n");
    JobConfig c = JobConfig.load(f);
    assertThat(c.journey.inactivity).isEqualTo(Duration.ofMinutes(45));
    assertThat(c.journey.defaultTimeZone).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(c.journey.followUpDelay).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void unknownKeysAndBadValuesAreRefused() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "journey:\n  inactivty: 45m\n");
    assertThatThrownBy(() -> JobConfig.load(f)).hasMessageContaining("inactivty");
    Files.writeString(f, "journey:\n  holdout-percent: 140\n");
    assertThatThrownBy(() -> JobConfig.load(f)).hasMessageContaining("holdout-percent");
  }

  @Test
  void durationsReadInShortAndIsoForms() {
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("PT30M")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.format(Duration.ofHours(4))).isEqualTo("4h");
  }
}
