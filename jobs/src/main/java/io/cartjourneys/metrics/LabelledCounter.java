package io.cartjourneys.metrics;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * A counter with a total and one series per combination of label values. The number of series is
 * capped: values past {@value #MAX_SERIES} distinct combinations count under {@code other}, so a
 * bug that passes free text as a label cannot flood the metric system.
 */
public final class LabelledCounter {
  static final int MAX_SERIES = 64;
  static final String OTHER = "other";

  private final MetricGroup group;
  private final JobMetric metric;
  private final Counter total;
  private final Map<String, Counter> series = new HashMap<>();

  LabelledCounter(MetricGroup group, JobMetric metric) {
    this.group = group;
    this.metric = metric;
    this.total = group.counter(metric.metricName());
  }

  /** Registers series for values known in advance, so that they report zero from the start. */
  public LabelledCounter register(String... values) {
    for (String v : values) {
      seriesFor(new String[] {v});
    }
    return this;
  }

  /** Counts one, under the given label values in the order of {@link JobMetric#labels()}. */
  public void inc(String... values) {
    add(1, values);
  }

  /** Counts {@code n}, under the given label values in the order of {@link JobMetric#labels()}. */
  public void add(long n, String... values) {
    total.inc(n);
    seriesFor(values).inc(n);
  }

  public long total() {
    return total.getCount();
  }

  private Counter seriesFor(String[] values) {
    if (values.length != metric.labels().size()) {
      throw new IllegalArgumentException(metric + " takes labels " + metric.labels());
    }
    String[] clean = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      clean[i] = values[i] == null ? "none" : values[i].toLowerCase(Locale.ROOT);
    }
    String id = String.join("\u0000", clean);
    Counter c = series.get(id);
    if (c != null) {
      return c;
    }
    if (series.size() >= MAX_SERIES) {
      java.util.Arrays.fill(clean, OTHER);
      id = String.join("\u0000", clean);
      c = series.get(id);
      if (c != null) {
        return c;
      }
    }
    MetricGroup g = group;
    for (int i = 0; i < clean.length; i++) {
      g = g.addGroup(metric.labels().get(i), clean[i]);
    }
    c = g.counter(metric.metricName());
    series.put(id, c);
    return c;
  }
}
