package io.cartjourneys.metrics;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Registers an operator's metrics in the {@value JobMetric#GROUP} group, by {@link JobMetric} only,
 * so that every name the job reports is in that one list. Create it in {@code open}.
 */
public final class StageMetrics {
  /** Samples a histogram keeps for its quantiles (a sliding window of the latest values). */
  static final int HISTOGRAM_WINDOW = 1024;

  private final MetricGroup group;

  private StageMetrics(MetricGroup group) {
    this.group = group;
  }

  public static StageMetrics of(RuntimeContext context) {
    return new StageMetrics(context.getMetricGroup().addGroup(JobMetric.GROUP));
  }

  public static StageMetrics of(MetricGroup operatorGroup) {
    return new StageMetrics(operatorGroup.addGroup(JobMetric.GROUP));
  }

  public Counter counter(JobMetric metric) {
    require(metric, JobMetric.Kind.COUNTER, false);
    return group.counter(metric.metricName());
  }

  /** Registers a counter with labels: its total now, each label value's series on first use. */
  public LabelledCounter labelled(JobMetric metric) {
    require(metric, JobMetric.Kind.COUNTER, true);
    return new LabelledCounter(group, metric);
  }

  public <T extends Number> void gauge(JobMetric metric, Gauge<T> gauge) {
    require(metric, JobMetric.Kind.GAUGE, false);
    group.gauge(metric.metricName(), gauge);
  }

  public Histogram histogram(JobMetric metric) {
    require(metric, JobMetric.Kind.HISTOGRAM, false);
    return group.histogram(
        metric.metricName(), new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
  }

  private static void require(JobMetric metric, JobMetric.Kind kind, boolean labelled) {
    if (metric.kind() != kind || metric.labels().isEmpty() == labelled) {
      throw new IllegalArgumentException(
          metric + " is a " + metric.kind() + " with labels " + metric.labels());
    }
  }
}
