package io.cartjourneys.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.RepositoryFiles;
import io.cartjourneys.cli.CliRunner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ananya story through the command line with the shipped cluster log configuration
 * (deploy/log4j2.properties) writing to a file, then scans every log line for the story's personal
 * data. The input adds one undecodable record that carries her email and phone, so the dead-letter
 * path is logged too, and a Kafka property contains a fake secret.
 */
class PersonalDataLogITCase {
  private static final String EMAIL = "ananya@example.com";
  private static final String PHONE = "+919800000001";
  private static final String PUSH_TOKEN = "tok-ananya-1";
  private static final String SECRET = "fake-secret-value-42";

  @TempDir static Path dir;
  private static URI originalConfig;
  private static String log;
  private static int exitCode;

  @BeforeAll
  static void replayWithClusterLogging() throws Exception {
    Path logFile = dir.resolve("logs").resolve("taskmanager.log");
    System.setProperty("log.file", logFile.toString());
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    originalConfig = context.getConfigLocation();
    context.setConfigLocation(RepositoryFiles.resolve("deploy/log4j2.properties").toUri());
    try {
      Path scenario = Path.of(PersonalDataLogITCase.class.getResource("/scenarios/ananya").toURI());
      Path events = dir.resolve("events.jsonl");
      List<String> lines = new ArrayList<>();
      lines.add("{\"event_id\": \"x\", \"email\": \"" + EMAIL + "\", \"phone\": \"" + PHONE + "\"");
      lines.addAll(Files.readAllLines(scenario.resolve("events.jsonl")));
      Files.write(events, lines);
      exitCode =
          CliRunner.run(
              "replay",
              "--events",
              events.toString(),
              "--profiles",
              scenario.resolve("profiles.jsonl").toString(),
              "--links",
              scenario.resolve("links.jsonl").toString(),
              "--out",
              dir.resolve("out").toString(),
              "--set",
              "kafka.properties.sasl.jaas.config=" + SECRET);
      Logger probe = LoggerFactory.getLogger("io.cartjourneys.logging.probe");
      probe.warn(
          "masking probe {} {}", EMAIL, PHONE, new IllegalStateException("failed for " + EMAIL));
    } finally {
      context.setConfigLocation(originalConfig);
      System.clearProperty("log.file");
    }
    log = readAll(logFile.getParent());
  }

  @AfterAll
  static void restored() {
    assertThat(((LoggerContext) LogManager.getContext(false)).getConfigLocation())
        .isEqualTo(originalConfig);
  }

  @Test
  void replaySucceededAndWasLogged() {
    assertThat(exitCode).isZero();
    assertThat(log).contains("Settings: 1 of");
    assertThat(log).contains("kafka.properties = [sasl.jaas.config] (--set)");
    assertThat(log).contains("Replay of 9 records started");
    assertThat(log).contains("Dead letter 1 of reason invalid-json");
    assertThat(log).contains("switched from RUNNING to FINISHED");
  }

  @Test
  void noEmailAddress() {
    assertThat(log).doesNotContainIgnoringCase(EMAIL);
  }

  @Test
  void noPhoneNumber() {
    assertThat(log).doesNotContain(PHONE.substring(1));
  }

  @Test
  void noPushToken() {
    assertThat(log).doesNotContain(PUSH_TOKEN);
  }

  @Test
  void noSecretSetting() {
    assertThat(log).doesNotContain(SECRET);
  }

  @Test
  void layoutMasksEmailsAndPhones() {
    assertThat(log).contains("masking probe <email> <phone>");
    assertThat(log).contains("IllegalStateException: failed for <email>");
  }

  private static String readAll(Path logDir) throws IOException {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.list(logDir)) {
      for (Path f : files.sorted().toList()) {
        b.append(Files.readString(f));
      }
    }
    return b.toString();
  }
}
