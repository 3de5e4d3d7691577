package io.cartjourneys.io.kafka;

import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Wraps each Kafka record's value in a {@link RawRecord} of one input, so that decoding and
 * dead-lettering happen in the job graph. It reads the record's time here, for the partition's
 * watermark, which decodes the bytes once more than the graph does. The record's offset becomes the
 * sequence, which orders records within a partition and is the same on every read of the topic. A
 * null value (a tombstone) becomes an empty payload, which the graph dead-letters as an empty
 * record.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
  private static final long serialVersionUID = 1L;
  private static final byte[] EMPTY = new byte[0];

  private final SourceKind source;

  public RawRecordDeserializer(SourceKind source) {
    this.source = source;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
    byte[] value = record.value() == null ? EMPTY : record.value();
    RawRecord raw = new RawRecord(source, value, record.offset());
    Long time = RecordDecoder.peekTime(source, value);
    raw.time = time == null ? RawRecord.UNKNOWN_TIME : time;
    out.collect(raw);
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }
}
