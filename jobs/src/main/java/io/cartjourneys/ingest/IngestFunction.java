package io.cartjourneys.ingest;

import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.Outcome;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.LabelledCounter;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.model.Audit;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.nio.ByteBuffer;
import java.time.Instant;
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
 * its reason and original bytes and is counted per reason; the job goes on. Values the decoder
 * dropped from a record it could process become audit records. The log names only the reason, the
 * input and the record's position, never its content.
 *
 * <p>Every input record counted in {@link JobMetric#RECORDS_IN} is either passed on decoded or
 * counted in {@link JobMetric#DEAD_LETTERS}.
 */
public class IngestFunction extends ProcessFunction<RawRecord, Signal> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
  public static final OutputTag<Decision> AUDIT = new OutputTag<>("ingest-audit") {};

  /** Dead-letter reason of a record on which the decoder threw anything but DecodeException. */
  public static final String DECODER_FAILURE = "decoder-failure";

  /** After the first dead letter of a reason, one in this many is logged. */
  static final long LOG_EVERY = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(IngestFunction.class);

  private transient LabelledCounter recordsIn;
  private transient LabelledCounter deadLetters;
  private transient LabelledCounter valuesRepaired;
  private transient Map<String, Long> deadLettersByReason;
  private transient Repairs repairs;

  @Override
  public void open(OpenContext context) {
    StageMetrics metrics = StageMetrics.of(getRuntimeContext());
    recordsIn = metrics.labelled(JobMetric.RECORDS_IN);
    for (SourceKind kind : SourceKind.values()) {
      recordsIn.register(kind.label());
    }
    deadLetters = metrics.labelled(JobMetric.DEAD_LETTERS);
    valuesRepaired = metrics.labelled(JobMetric.VALUES_REPAIRED);
    deadLettersByReason = new HashMap<>();
    repairs = new Repairs();
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Signal> out) {
    recordsIn.inc(raw.source.label());
    if (raw.rejection != null) {
      deadLetter(raw, raw.rejection, null, ctx);
      return;
    }
    repairs.clear();
    Signal s;
    try {
      s = RecordDecoder.decode(raw, repairs);
    } catch (DecodeException e) {
      deadLetter(raw, e.reason(), e.getMessage(), ctx);
      return;
    } catch (RuntimeException e) {
      // The decoder promises DecodeException only; a bug must still not stop the job. The class
      // name only, since a message may quote the input.
      String type = e.getClass().getName();
      LOG.error(
          "Decoder failed on a record from input {} at record sequence {} with {}; the record is"
              + " dead-lettered",
          raw.source.label(),
          raw.sequence,
          type);
      deadLetter(raw, DECODER_FAILURE, type, ctx);
      return;
    }
    s.sequence = raw.sequence;
    s.arrivalWatermark = ctx.timerService().currentWatermark();
    for (Repairs.Repair r : repairs.entries()) {
      valuesRepaired.add(r.count(), r.reason());
      ctx.output(
          AUDIT,
          Audit.of(s.kind == Signal.Kind.PROFILE ? s.customerId : null, s.time, Outcome.SKIPPED)
              .reason(r.reason())
              .fact("field", r.field())
              .fact("values", r.count())
              .fact("record_kind", s.kind)
              .fact("record_id", s.id)
              .build());
    }
    out.collect(s);
  }

  private void deadLetter(RawRecord raw, String reason, String detail, Context ctx) {
    deadLetters.inc(reason);
    long seen = deadLettersByReason.merge(reason, 1L, Long::sum);
    if (seen == 1 || seen % LOG_EVERY == 0) {
      // Without the detail or the bytes: both may hold personal data.
      LOG.warn(
          "Dead letter {} of reason {} in this subtask, from input {} at record sequence {};"
              + " the record is in the dead-letter output",
          seen,
          reason,
          raw.source.label(),
          raw.sequence);
    }
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSource(raw.source.label())
            .setReason(reason)
            .setDetail(detail)
            .setReceivedAt(Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()))
            .setPayload(ByteBuffer.wrap(raw.payload == null ? new byte[0] : raw.payload))
            .build();
    ctx.output(DEAD_LETTERS, letter);
  }
}
