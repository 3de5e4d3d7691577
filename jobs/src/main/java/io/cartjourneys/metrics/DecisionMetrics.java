package io.cartjourneys.metrics;

import io.cartjourneys.avro.Decision;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Counts decision audit records by outcome and reason on their way to the decisions output. */
public class DecisionMetrics extends RichMapFunction<Decision, Decision> {
  private static final long serialVersionUID = 1L;
  private transient LabelledCounter decisions;

  @Override
  public void open(OpenContext context) {
    decisions = StageMetrics.of(getRuntimeContext()).labelled(JobMetric.DECISIONS);
  }

  @Override
  public Decision map(Decision d) {
    String reason = d.getReason() == null ? null : d.getReason().toString();
    decisions.inc(d.getOutcome().name(), reason);
    return d;
  }
}
