package io.cartjourneys.ingest;

import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.CrmProfile;
import io.cartjourneys.avro.DeliveryFeedback;
import io.cartjourneys.avro.IdentityLink;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads Avro single-object encoding: the marker bytes C3 01, the schema's 8-byte CRC-64-AVRO
 * fingerprint (little-endian), then the binary record. The fingerprint must be the one of the
 * input's own schema; the record must use every byte and may not claim more bytes than it has.
 */
final class AvroSingleObject {
  static final int HEADER_BYTES = 10;

  private static final Map<Long, String> INPUT_SCHEMAS =
      Map.of(
          fingerprint(BehaviourEvent.getClassSchema()), "BehaviourEvent",
          fingerprint(CrmProfile.getClassSchema()), "CrmProfile",
          fingerprint(IdentityLink.getClassSchema()), "IdentityLink",
          fingerprint(DeliveryFeedback.getClassSchema()), "DeliveryFeedback");

  private AvroSingleObject() {}

  static boolean hasMarker(byte[] payload) {
    return payload.length >= 2 && (payload[0] & 0xff) == 0xC3 && (payload[1] & 0xff) == 0x01;
  }

  static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /**
   * Decodes a record of {@code type} (a generated class) written with {@code schema}, whose
   * fingerprint is {@code expected}.
   */
  static <T extends SpecificRecord> T decode(
      byte[] payload, Class<T> type, Schema schema, long expected) throws DecodeException {
    if (payload.length < HEADER_BYTES) {
      throw new DecodeException("invalid-avro", "header shorter than 10 bytes");
    }
    long found = 0;
    for (int i = 0; i < 8; i++) {
      found |= (long) (payload[2 + i] & 0xff) << (8 * i);
    }
    if (found != expected) {
      String other = INPUT_SCHEMAS.get(found);
      if (other != null) {
        throw new DecodeException("wrong-schema", other + " on the " + schema.getName() + " input");
      }
      throw new DecodeException("unknown-schema", "fingerprint " + Long.toHexString(found));
    }
    SpecificDatumReader<T> reader =
        new SpecificDatumReader<>(schema, schema, SpecificData.getForClass(type));
    BoundedBinaryDecoder in = new BoundedBinaryDecoder(payload, HEADER_BYTES);
    T record;
    try {
      record = reader.read(null, in);
    } catch (java.io.IOException | RuntimeException e) {
      throw new DecodeException("invalid-avro", e.getClass().getSimpleName());
    }
    if (!in.isEnd()) {
      throw new DecodeException("invalid-avro", "bytes after the record");
    }
    return record;
  }
}
