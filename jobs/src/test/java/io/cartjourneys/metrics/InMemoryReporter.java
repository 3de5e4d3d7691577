package io.cartjourneys.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.Preconditions;

/**
 * A metric reporter that keeps every metric object it is given, readable from the test JVM after
 * the job has finished. Configure it with {@code metrics.reporter.NAME.factory.class} set to {@link
 * Factory} and {@code metrics.reporter.NAME.run} set to a fresh id, then look it up with {@link
 * #forRun(String)}.
 */
public class InMemoryReporter implements MetricReporter {
  private static final Map<String, InMemoryReporter> BY_RUN = new ConcurrentHashMap<>();

  /** One registered metric with its group's variables, such as {@code <reason>}. */
  public record Entry(
      String name, Metric metric, Map<String, String> variables, String identifier) {}

  private final List<Entry> entries = new CopyOnWriteArrayList<>();

  public static InMemoryReporter forRun(String run) {
    return Preconditions.checkNotNull(BY_RUN.get(run), "no reporter was opened for run %s", run);
  }

  @Override
  public void open(MetricConfig config) {
    BY_RUN.put(config.getString("run", "default"), this);
  }

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    entries.add(
        new Entry(
            name, metric, Map.copyOf(group.getAllVariables()), group.getMetricIdentifier(name)));
  }

  /** Kept on purpose: a finished job removes its metrics, and the tests read them afterwards. */
  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

  /** A label value that matches any value. */
  public static final String ANY = "*";

  /**
   * Finds the entries of one of the job's metrics: its totals when no label values are given, else
   * the series with these label values (in the order of {@link JobMetric#labels()}, {@link #ANY}
   * for any).
   */
  public List<Entry> find(JobMetric metric, String... labelValues) {
    Preconditions.checkArgument(
        labelValues.length == 0 || labelValues.length == metric.labels().size(),
        "%s takes labels %s",
        metric,
        metric.labels());
    List<Entry> result = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.name().equals(metric.metricName())
          || !e.identifier().contains("." + JobMetric.GROUP + ".")) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < metric.labels().size(); i++) {
        String actual = e.variables().get("<" + metric.labels().get(i) + ">");
        String expected = labelValues.length == 0 ? null : labelValues[i];
        if (expected == null) {
          matches &= actual == null;
        } else if (expected.equals(ANY)) {
          matches &= actual != null;
        } else {
          matches &= expected.equals(actual);
        }
      }
      if (matches) {
        result.add(e);
      }
    }
    return result;
  }

  /** Sums a counter over all subtasks: its total, or one combination of label values. */
  public long count(JobMetric metric, String... labelValues) {
    long sum = 0;
    for (Entry e : find(metric, labelValues)) {
      sum += ((Counter) e.metric()).getCount();
    }
    return sum;
  }

  /** Sums a counter's total over the subtasks of the operators whose name starts with a prefix. */
  public long countIn(String operatorNamePrefix, JobMetric metric) {
    long sum = 0;
    for (Entry e : find(metric)) {
      String operator = e.variables().getOrDefault("<operator_name>", "");
      if (operator.startsWith(operatorNamePrefix)) {
        sum += ((Counter) e.metric()).getCount();
      }
    }
    return sum;
  }

  /** Sums a numeric gauge over all subtasks. */
  public long gaugeSum(JobMetric metric) {
    long sum = 0;
    for (Entry e : find(metric)) {
      sum += ((Number) ((Gauge<?>) e.metric()).getValue()).longValue();
    }
    return sum;
  }

  /** Counts the values a histogram recorded, over all subtasks. */
  public long histogramCount(JobMetric metric) {
    long sum = 0;
    for (Entry e : find(metric)) {
      sum += ((Histogram) e.metric()).getCount();
    }
    return sum;
  }

  /** Returns every registered metric, for failure messages. */
  public List<Entry> entries() {
    return entries;
  }

  /** Creates the reporter; registered in META-INF/services so that Flink can find it. */
  public static class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(java.util.Properties properties) {
      return new InMemoryReporter();
    }
  }
}
