package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.identity.IdentifierRules;
import io.cartjourneys.io.replay.ReplayProgress;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.metrics.InMemoryReporter;
import io.cartjourneys.model.RawRecord;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Replays the ananya story with the hostile corpus in its middle while every log line (INFO for
 * everything, DEBUG for the job's own classes, with stack traces) and every metric name and scope
 * is captured, then looks in them for each email address, phone number and push token of the input.
 * None may appear: logs and metrics carry ids and counts only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PrivacyITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StringWriter logs = new StringWriter();
  private final List<String> metricNames = new ArrayList<>();
  private Set<String> personalData;

  @BeforeAll
  void replay() throws Exception {
    List<RawRecord> input = HostileCorpus.storyWithHostileRecords();
    personalData = personalData(input);
    Path dir = TestDirs.create("privacy");
    JobConfig config = JobConfig.load(null);
    config.runtime.parallelism = 2;
    String run = UUID.randomUUID().toString();
    Configuration flink = new Configuration();
    flink.setString("metrics.reporter.mem.factory.class", InMemoryReporter.Factory.class.getName());
    flink.setString("metrics.reporter.mem.run", run);

    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    LoggerConfig root = context.getConfiguration().getRootLogger();
    Appender capture =
        WriterAppender.newBuilder()
            .setName("privacy-capture")
            .setTarget(logs)
            .setLayout(PatternLayout.newBuilder().withPattern("%p %c - %m%n%ex").build())
            .build();
    capture.start();
    Map<String, Appender> previous = root.getAppenders();
    Level rootLevel = root.getLevel();
    Level jobLevel = LogManager.getLogger("io.cartjourneys").getLevel();
    previous.keySet().forEach(root::removeAppender);
    root.addAppender(capture, Level.ALL, null);
    Configurator.setRootLevel(Level.INFO);
    Configurator.setLevel("io.cartjourneys", Level.DEBUG);
    try {
      ReplayRunner.run(
          config,
          EncodedRecords.write(dir.resolve("in.txt"), input),
          dir.resolve("out"),
          ReplayProgress.NONE,
          flink);
    } finally {
      root.removeAppender("privacy-capture");
      previous.values().forEach(a -> root.addAppender(a, null, null));
      Configurator.setRootLevel(rootLevel);
      Configurator.setLevel("io.cartjourneys", jobLevel);
      capture.stop();
    }
    for (InMemoryReporter.Entry e : InMemoryReporter.forRun(run).entries()) {
      metricNames.add(e.identifier());
      metricNames.addAll(e.variables().values());
    }
  }

  /**
   * Every email, phone and push token written anywhere in the input, as written and as the job
   * normalises it. Values shorter than six characters ("12", say) are left out: they occur in any
   * log as parts of numbers and times.
   */
  private static Set<String> personalData(List<RawRecord> input) {
    IdentifierRules rules = new IdentifierRules(List.of());
    Set<String> values = new TreeSet<>();
    for (RawRecord r : input) {
      JsonNode n;
      try {
        n = JSON.readTree(new String(r.payload, StandardCharsets.UTF_8));
      } catch (Exception e) {
        continue;
      }
      if (n == null) {
        continue;
      }
      List<JsonNode> found = new ArrayList<>();
      for (String field : List.of("email", "phone", "push_token", "emails", "phones")) {
        found.addAll(n.findValues(field));
      }
      for (JsonNode v : found) {
        List<JsonNode> texts = new ArrayList<>();
        if (v.isArray()) {
          v.forEach(texts::add);
        } else {
          texts.add(v);
        }
        for (JsonNode t : texts) {
          if (!t.isTextual()) {
            continue;
          }
          String raw = t.textValue();
          values.add(raw.trim());
          values.add(raw.trim().toLowerCase(Locale.ROOT));
          String phone = rules.normalizePhone(raw);
          if (phone != null) {
            values.add(phone);
          }
        }
      }
    }
    values.removeIf(v -> v.length() < 6);
    return values;
  }

  @Test
  void inputCarriesPersonalDataToLookFor() {
    assertThat(personalData)
        .contains("ananya@example.com", "+919800000001", "tok-ananya-1", "m4999@h.example");
  }

  @Test
  void logsWereCaptured() {
    assertThat(logs.toString())
        .contains("IngestFunction - Dead letter 1 of reason")
        .contains("INFO");
  }

  @Test
  void noLogLineCarriesPersonalData() {
    assertThat(leaks(logs.toString())).as("personal data in the logs").isEmpty();
  }

  @Test
  void noMetricNameCarriesPersonalData() {
    assertThat(metricNames).isNotEmpty();
    assertThat(leaks(String.join("\n", metricNames)))
        .as("personal data in metric names and scopes")
        .isEmpty();
  }

  private List<String> leaks(String text) {
    List<String> found = new ArrayList<>();
    for (String value : personalData) {
      if (text.contains(value)) {
        found.add(value);
      }
    }
    return found;
  }
}
