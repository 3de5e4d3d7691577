package io.cartjourneys.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cartjourneys.RepositoryFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.junit.jupiter.api.Test;

/**
 * Checks the shipped monitoring files against the job's metric list: every metric the Grafana
 * dashboard and the Prometheus alert rules query is one the job registers ({@link JobMetric}) or
 * one of Flink's own that {@link JobMetric#FLINK_METRICS} lists, and every metric the job registers
 * has a dashboard panel.
 */
class ObservabilityAssetsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern METRIC = Pattern.compile("flink_[A-Za-z0-9_]+");
  private static final Pattern SUMMARY_SUFFIX = Pattern.compile("_(count|sum)$");

  @Test
  void dashboardQueriesOnlyKnownMetrics() throws IOException {
    List<String> queries = dashboardQueries();
    assertThat(queries).isNotEmpty();
    assertThat(unknownMetrics(queries)).as("metrics the job does not register").isEmpty();
  }

  @Test
  void dashboardShowsEveryJobMetric() throws IOException {
    String queries = String.join("\n", dashboardQueries());
    List<String> missing = new ArrayList<>();
    for (JobMetric m : JobMetric.values()) {
      boolean shown =
          Pattern.compile(Pattern.quote(m.prometheusName()) + "\\b").matcher(queries).find()
              || (m.prometheusLabelledName() != null
                  && queries.contains(m.prometheusLabelledName()));
      if (!shown) {
        missing.add(m.metricName());
      }
    }
    assertThat(missing).as("job metrics no dashboard panel queries").isEmpty();
  }

  @Test
  void dashboardHasTheOnCallPanels() throws IOException {
    JsonNode dashboard =
        JSON.readTree(RepositoryFiles.resolve("deploy/grafana/cart-journeys.json").toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("cart-journeys");
    Set<String> titles = new HashSet<>();
    for (JsonNode p : dashboard.path("panels")) {
      titles.add(p.path("title").asText());
    }
    assertThat(titles)
        .contains(
            "Throughput per stage",
            "Dead letters by reason",
            "Commands per channel",
            "Journeys entered, suppressed and exited",
            "Decisions by outcome",
            "Watermark lag of the decide stage",
            "Checkpoint duration",
            "Checkpoint size",
            "Back pressure per task");
  }

  @Test
  void dashboardPanelsAreWellFormed() throws IOException {
    JsonNode dashboard =
        JSON.readTree(RepositoryFiles.resolve("deploy/grafana/cart-journeys.json").toFile());
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : dashboard.path("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("unique id of %s", p.path("title")).isTrue();
      assertThat(p.path("gridPos").path("w").asInt())
          .as("width of %s", p.path("title"))
          .isPositive();
      if (!p.path("type").asText().equals("row")) {
        assertThat(p.path("targets")).as("queries of %s", p.path("title")).isNotEmpty();
        assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }
    }
  }

  @Test
  void alertRulesQueryOnlyKnownMetrics() throws IOException {
    JsonNode rules =
        YAML.readTree(RepositoryFiles.resolve("deploy/prometheus/alerts.yaml").toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        assertThat(rule.path("alert").asText()).startsWith("CartJourneys");
        assertThat(rule.path("labels").path("severity").asText())
            .isIn("info", "warning", "critical");
        assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
        queries.add(rule.path("expr").asText());
      }
    }
    assertThat(queries).hasSizeGreaterThanOrEqualTo(3);
    assertThat(unknownMetrics(queries)).as("metrics the job does not register").isEmpty();
  }

  @Test
  void everyAlertIsExplainedInTheDocs() throws IOException {
    JsonNode rules =
        YAML.readTree(RepositoryFiles.resolve("deploy/prometheus/alerts.yaml").toFile());
    String docs = java.nio.file.Files.readString(RepositoryFiles.resolve("docs/observability.md"));
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        assertThat(docs).contains(rule.path("alert").asText());
      }
    }
  }

  @Test
  void reporterSettingsNameFlinksPrometheusReporter() throws IOException {
    JsonNode conf =
        YAML.readTree(
            RepositoryFiles.resolve("deploy/prometheus/flink-conf-metrics.yaml").toFile());
    assertThat(conf.path("metrics.reporter.prom.factory.class").asText())
        .isEqualTo(PrometheusReporterFactory.class.getName());
    assertThat(conf.path("metrics.reporter.prom.port").asText()).matches("\\d+(-\\d+)?");
  }

  @Test
  void prometheusFilesAreValidYaml() throws IOException {
    for (String f : List.of("prometheus.yaml", "podmonitor.yaml")) {
      JsonNode node = YAML.readTree(RepositoryFiles.resolve("deploy/prometheus/" + f).toFile());
      assertThat(node.isObject()).as(f).isTrue();
    }
  }

  @Test
  void jobMetricNamesAreUnique() {
    assertThat(new HashSet<>(JobMetric.prometheusNames()))
        .hasSameSizeAs(JobMetric.prometheusNames());
  }

  private static List<String> dashboardQueries() throws IOException {
    JsonNode dashboard =
        JSON.readTree(RepositoryFiles.resolve("deploy/grafana/cart-journeys.json").toFile());
    List<String> queries = new ArrayList<>();
    collectQueries(dashboard.path("panels"), queries);
    return queries;
  }

  private static void collectQueries(JsonNode panels, List<String> queries) {
    for (JsonNode p : panels) {
      for (JsonNode t : p.path("targets")) {
        queries.add(t.path("expr").asText());
      }
      collectQueries(p.path("panels"), queries); // panels nested in collapsed rows
    }
  }

  private static Set<String> unknownMetrics(List<String> queries) {
    Set<String> known = new HashSet<>(JobMetric.prometheusNames());
    known.addAll(JobMetric.FLINK_METRICS);
    Set<String> unknown = new TreeSet<>();
    for (String q : queries) {
      Matcher m = METRIC.matcher(q);
      while (m.find()) {
        String name = m.group();
        if (!known.contains(name) && !known.contains(SUMMARY_SUFFIX.matcher(name).replaceAll(""))) {
          unknown.add(name);
        }
      }
    }
    return unknown;
  }
}
