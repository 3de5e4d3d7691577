package io.cartjourneys.ingest;

import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw input records. A record that cannot be processed goes to the dead-letter output with
 * its reason and original bytes and is counted per reason; the job goes on.
 */
public class IngestFunction extends ProcessFunction<RawRecord, Signal> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private transient Counter decoded;
  private transient Map<String, Counter> rejected;

  @Override
  public void open(OpenContext context) {
    decoded = getRuntimeContext().getMetricGroup().counter("recordsDecoded");
    rejected = new HashMap<>();
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Signal> out) {
    try {
      Signal s = RecordDecoder.decode(raw.source, raw.payload);
      s.sequence = raw.sequence;
      s.arrivalWatermark = ctx.timerService().currentWatermark();
      decoded.inc();
      out.collect(s);
    } catch (DecodeException e) {
      rejected
          .computeIfAbsent(
              e.reason(),
              r -> getRuntimeContext().getMetricGroup().addGroup("rejected", r).counter("records"))
          .inc();
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
