package io.cartjourneys.demo;

import io.cartjourneys.io.AvroInputs;
import io.cartjourneys.model.SourceKind;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record to publish to an input topic.
 *
 * @param key Kafka key, or null
 * @param timestamp Kafka record timestamp: the record's own time, as if it had been written when it
 *     happened
 * @param payload Avro single-object bytes, or any bytes for a malformed record
 */
public record InputRecord(SourceKind source, String key, Instant timestamp, byte[] payload) {

  /**
   * Creates the input record of a well-formed Avro record, keyed and timestamped from its fields.
   */
  public static InputRecord of(SourceKind source, SpecificRecord record) {
    return new InputRecord(
        source,
        AvroInputs.recordKey(record),
        AvroInputs.recordTime(record),
        AvroInputs.singleObject(record));
  }
}
