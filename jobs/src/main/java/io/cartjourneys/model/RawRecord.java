package io.cartjourneys.model;

import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * Bytes as they arrived from one input, before decoding. Every mode (replay files, Kafka topics,
 * the REES46 adapter) feeds the job graph with these, so decoding and dead-lettering happen in one
 * place.
 */
@TypeInfo(RawRecordSerializer.Factory.class)
public class RawRecord {
  /** Which input the bytes came from. */
  public SourceKind source;

  /** JSON text (UTF-8) or Avro single-object encoded bytes. */
  public byte[] payload;

  /** Arrival order within the run; breaks ties between records with equal times. */
  public long sequence;

  /** Record time (epoch ms) when the reader already knows it; {@link #UNKNOWN_TIME} otherwise. */
  public long time = UNKNOWN_TIME;

  public static final long UNKNOWN_TIME = Long.MIN_VALUE;

  /**
   * Set by a stage before ingest that rejects the record (the event-time stage for a time too far
   * ahead): the reason ingest dead-letters it with. Null for every other record.
   */
  public String rejection;

  /**
   * The result of decoding {@link #payload} (the decoder's own type), kept by the stage that read
   * the record's time so that ingest does not decode it again; null when not decoded yet. Kept by
   * copies within one task, never sent between tasks.
   */
  public transient Object decoded;

  public RawRecord() {}

  public RawRecord(SourceKind source, byte[] payload, long sequence) {
    this.source = source;
    this.payload = payload;
    this.sequence = sequence;
  }

  @Override
  public String toString() {
    return "RawRecord{" + source + ", " + (payload == null ? 0 : payload.length) + " bytes, #" + sequence + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawRecord r
        && r.source == source
        && r.sequence == sequence
        && Arrays.equals(r.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence) * 31 + Arrays.hashCode(payload);
  }
}
