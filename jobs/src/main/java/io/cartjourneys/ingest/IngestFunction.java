package io.cartjourneys.ingest;

import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import java.nio.ByteBuffer;
import java.time.Instant;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.LabelledCounter;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.model.SourceKind;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes raw input records. A record that cannot be processed goes to the dead-letter output with
 * its reason and original bytes and is counted per reason; the job goes on. The log names only
 * the reason, the input and the record's position, never its content.
 */
public class IngestFunction extends ProcessFunction<RawRecord, Signal> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  /** After the first dead letter of a reason, one in this many is logged. */
  static final long LOG_EVERY = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(IngestFunction.class);

  private transient LabelledCounter recordsIn;
  private transient LabelledCounter deadLetters;
  private transient Map<String, Long> deadLettersByReason;

  @Override
  public void open(OpenContext context) {
    StageMetrics metrics = StageMetrics.of(getRuntimeContext());
    recordsIn = metrics.labelled(JobMetric.RECORDS_IN);
    for (SourceKind kind : SourceKind.values()) {
      recordsIn.register(kind.label());
    }
    deadLetters = metrics.labelled(JobMetric.DEAD_LETTERS);
    deadLettersByReason = new HashMap<>();
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Signal> out) {
    recordsIn.inc(raw.source.label());
    try {
      Signal s = RecordDecoder.decode(raw.source, raw.payload);
      s.sequence = raw.sequence;
      s.arrivalWatermark = ctx.timerService().currentWatermark();
      out.collect(s);
    } catch (DecodeException e) {
      deadLetters.inc(e.reason());
      long seen = deadLettersByReason.merge(e.reason(), 1L, Long::sum);
      if (seen == 1 || seen % LOG_EVERY == 0) {
        LOG.warn(
            "Dead letter {} of reason {} in this subtask, from input {} at record sequence {};"
                + " the record is in the dead-letter output",
            seen,
            e.reason(),
            raw.source.label(),
            raw.sequence);
      }
      DeadLetter letter =
          DeadLetter.newBuilder()
              .setSource(raw.source.label())
              .setReason(e.reason())
              .setDetail(e.getMessage())
              .setReceivedAt(Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()))
              .setPayload(ByteBuffer.wrap(raw.payload == null ? new byte[0] : raw.payload))
              .build();
      ctx.output(DEAD_LETTERS, letter);
    }
  }
}
