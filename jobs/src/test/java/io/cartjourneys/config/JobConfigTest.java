package io.cartjourneys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    Files.writeString(f, "journey:\n  inactivity: 45m\n  default-time-zone: Europe/Berlin\n");
    JobConfig c = JobConfig.load(f);
    assertThat(c.journey.inactivity).isEqualTo(Duration.ofMinutes(45));
    assertThat(c.journey.defaultTimeZone).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(c.journey.followUpDelay).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void yamlReadsEveryValueType() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(
        f,
        String.join(
            "\n",
            "journey:",
            "  quiet-hours-start: \"21:30\"",
            "  quiet-hours-end: 07:00",
            "  holdout-percent: 12.5",
            "  recently-viewed-limit: 3",
            "identity:",
            "  block-list: [guest, test-device]",
            "kafka:",
            "  properties:",
            "    security.protocol: SASL_SSL",
            "runtime:",
            "  checkpoint-directory: s3://bucket/cj",
            ""));
    JobConfig c = JobConfig.load(f);
    assertThat(c.journey.quietHoursStart).isEqualTo(LocalTime.of(21, 30));
    assertThat(c.journey.quietHoursEnd).isEqualTo(LocalTime.of(7, 0));
    assertThat(c.journey.holdoutPercent).isEqualTo(12.5);
    assertThat(c.journey.recentlyViewedLimit).isEqualTo(3);
    assertThat(c.identity.blockList).containsExactly("guest", "test-device");
    assertThat(c.kafka.properties).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    assertThat(c.runtime.checkpointDirectory).isEqualTo("s3://bucket/cj");
  }

  @Test
  void emptyFileKeepsDefaults() throws Exception {
    Path f = dir.resolve("empty.yaml");
    Files.writeString(f, "# nothing set\n");
    assertThat(JobConfig.load(f).journey.inactivity).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void parallelismAboveMaxParallelismFails() throws Exception {
    Path f = dir.resolve("wide.yaml");
    Files.writeString(f, "runtime:\n  parallelism: 200\n");
    assertThatThrownBy(() -> JobConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runtime.parallelism: 200 is above runtime.max-parallelism 128");
  }

  @Test
  void unknownKeyNamesTheClosestKnownKey() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "journey:\n  inactivty: 45m\n");
    assertThatThrownBy(() -> JobConfig.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "unknown setting journey.inactivty; did you mean journey.inactivity? (file " + f + ")");
  }

  @Test
  void unknownKeyWithoutSectionIsFound() {
    assertThatThrownBy(() -> new ConfigLoader().overrides(List.of("inactivity=45m")).load())
        .hasMessage("unknown setting inactivity; did you mean journey.inactivity? (--set)");
  }

  @Test
  void unknownKeyFarFromAnyIsReportedPlainly() {
    assertThatThrownBy(() -> new ConfigLoader().overrides(List.of("colour.scheme=dark")).load())
        .hasMessage("unknown setting colour.scheme (--set)");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "journey.inactivity|abc|journey.inactivity: invalid duration 'abc'; use a number and a"
            + " unit (ms, s, m, h, d) such as 30m, or ISO-8601 such as PT30M (--set)",
        "journey.inactivity|0|journey.inactivity: 0 is out of range; allowed at least 1s (--set)",
        "journey.follow-up-delay|-4h|journey.follow-up-delay: invalid duration '-4h'; use a number"
            + " and a unit (ms, s, m, h, d) such as 30m, or ISO-8601 such as PT30M (--set)",
        "journey.holdout-percent|140|journey.holdout-percent: 140 is out of range; allowed 0 to 100"
            + " (--set)",
        "journey.holdout-percent|half|journey.holdout-percent: invalid number 'half' (--set)",
        "journey.default-time-zone|Mars/Olympus|journey.default-time-zone: unknown time zone"
            + " 'Mars/Olympus'; use an IANA zone id such as Asia/Kolkata or UTC (--set)",
        "journey.quiet-hours-start|10pm|journey.quiet-hours-start: invalid time of day '10pm'; use"
            + " HH:mm such as 22:00 (--set)",
        "journey.recently-viewed-limit|5.5|journey.recently-viewed-limit: invalid integer '5.5'"
            + " (--set)",
        "journey.push-template|' '|journey.push-template: a value is required (--set)",
        "identity.anonymous-buffer-limit|0|identity.anonymous-buffer-limit: 0 is out of range;"
            + " allowed at least 1 (--set)",
        "runtime.state-backend|memory|runtime.state-backend: 'memory' is not allowed; use one of"
            + " hashmap, rocksdb (--set)",
        "runtime.parallelism|0|runtime.parallelism: 0 is out of range; allowed 1 to 32768 (--set)",
        "identity.default-phone-region|XX|identity.default-phone-region: unknown region 'XX'; use"
            + " an ISO 3166 alpha-2 code such as US or IN",
        "identity.max-cookies-per-person|0|identity.max-cookies-per-person: 0 is out of range;"
            + " allowed at least 1 (--set)",
        "time.follow-wall-clock-when-idle|yes|time.follow-wall-clock-when-idle: invalid boolean"
            + " 'yes'; use true or false (--set)",
        "kafka.starting-offsets|newest|kafka.starting-offsets: 'newest' is not allowed; use one of"
            + " earliest, latest (--set)",
      })
  void invalidValueFailsWithKeyAndRange(String key, String value, String message) {
    assertThatThrownBy(() -> new ConfigLoader().overrides(List.of(key + "=" + value)).load())
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    ConfigException e =
        (ConfigException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    new ConfigLoader()
                        .overrides(
                            List.of("journey.inactivity=abc", "runtime.parallelism=0", "x.y=1"))
                        .load());
    assertThat(e.problems()).hasSize(3);
    assertThat(e.getMessage()).startsWith("3 invalid settings:");
  }

  @Test
  void missingFileIsReported() {
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> JobConfig.load(missing))
        .hasMessage("file " + missing + ": not found or not readable");
  }

  @Test
  void singleValueWhereSectionExpectedIsReported() throws Exception {
    Path f = dir.resolve("flat.yaml");
    Files.writeString(f, "journey: 45m\n");
    assertThatThrownBy(() -> JobConfig.load(f))
        .hasMessageStartingWith("journey: expected a section of settings");
  }

  @Test
  void environmentOverridesFileAndSetOverridesEnvironment() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "journey:\n  inactivity: 40m\n  follow-up-delay: 2h\n");
    ConfigLoader loader =
        new ConfigLoader()
            .file(f)
            .environment(
                Map.of(
                    "CJ_JOURNEY_INACTIVITY", "45m",
                    "CJ_RUNTIME_PARALLELISM", "3",
                    "PATH", "/usr/bin"))
            .overrides(List.of("runtime.parallelism=4"));
    JobConfig c = loader.load();
    assertThat(c.journey.inactivity).isEqualTo(Duration.ofMinutes(45));
    assertThat(c.journey.followUpDelay).isEqualTo(Duration.ofHours(2));
    assertThat(c.runtime.parallelism).isEqualTo(4);
    assertThat(loader.origins())
        .containsEntry("journey.inactivity", "environment variable CJ_JOURNEY_INACTIVITY")
        .containsEntry("journey.follow-up-delay", "file " + f)
        .containsEntry("runtime.parallelism", "--set");
  }

  @Test
  void unknownEnvironmentVariableNamesTheClosest() {
    assertThatThrownBy(
            () -> new ConfigLoader().environment(Map.of("CJ_JOURNEY_INACTIVTY", "45m")).load())
        .hasMessage(
            "unknown setting in environment variable CJ_JOURNEY_INACTIVTY; did you mean"
                + " CJ_JOURNEY_INACTIVITY?");
  }

  @Test
  void setAddsKafkaPropertiesOneAtATime() throws Exception {
    JobConfig c =
        new ConfigLoader()
            .overrides(
                List.of(
                    "kafka.properties.security.protocol=SASL_SSL",
                    "kafka.properties.sasl.jaas.config=a=b c=d"))
            .load();
    assertThat(c.kafka.properties)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", "a=b c=d");
    assertThat(new JobConfig().kafka.properties).isEmpty();
  }

  @Test
  void setParsesListsInBothForms() throws Exception {
    JobConfig c = new ConfigLoader().overrides(List.of("identity.block-list=a, b")).load();
    assertThat(c.identity.blockList).containsExactly("a", "b");
    c = new ConfigLoader().overrides(List.of("identity.block-list=[x, \"y z\"]")).load();
    assertThat(c.identity.blockList).containsExactly("x", "y z");
  }

  @Test
  void setWithoutEqualsSignIsReported() {
    assertThatThrownBy(() -> new ConfigLoader().overrides(List.of("journey.inactivity")).load())
        .hasMessage("--set journey.inactivity: expected KEY=VALUE, such as journey.inactivity=45m");
  }

  @Test
  void validateCatchesValuesChangedInCode() {
    JobConfig c = new JobConfig();
    c.journey.holdoutPercent = -1;
    assertThatThrownBy(c::validate)
        .hasMessage("journey.holdout-percent: -1 is out of range; allowed 0 to 100");
  }

  @Test
  void summaryListsChangedSettingsAndHidesSensitiveValues() throws Exception {
    ConfigLoader loader =
        new ConfigLoader()
            .overrides(
                List.of("journey.inactivity=45m", "kafka.properties.sasl.jaas.config=secret"));
    JobConfig c = loader.load();
    assertThat(ConfigSummary.changed(c, loader.origins()))
        .containsExactly(
            "journey.inactivity = 45m (--set)", "kafka.properties = [sasl.jaas.config] (--set)");
  }

  @Test
  void riskySettingsWarn() throws Exception {
    JobConfig c =
        new ConfigLoader()
            .overrides(List.of("identity.anonymous-buffer-ttl=1h", "journey.quiet-hours-end=22:00"))
            .load();
    assertThat(c.warnings())
        .anySatisfy(w -> assertThat(w).startsWith("identity.anonymous-buffer-ttl (1h)"))
        .anySatisfy(w -> assertThat(w).contains("quiet hours are off"));
    assertThat(new JobConfig().warnings()).isEmpty();
  }

  @Test
  void everySettingIsInTheRegistryWithADescription() {
    int fields = 0;
    for (Field section : JobConfig.class.getDeclaredFields()) {
      if (Modifier.isStatic(section.getModifiers())) {
        continue;
      }
      for (Field f : section.getType().getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          fields++;
          assertThat(f.getAnnotation(Doc.class)).as(f.toString()).isNotNull();
        }
      }
    }
    assertThat(Options.all()).hasSize(fields);
    for (Option o : Options.all()) {
      assertThat(o.description()).as(o.key()).isNotBlank();
    }
  }

  @Test
  void defaultsAreWithinTheirOwnRanges() {
    new JobConfig().validate();
  }

  @Test
  void durationsReadInShortAndIsoForms() {
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("PT30M")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.format(Duration.ofHours(4))).isEqualTo("4h");
  }
}
