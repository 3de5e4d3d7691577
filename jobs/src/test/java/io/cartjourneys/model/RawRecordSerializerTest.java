package io.cartjourneys.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class RawRecordSerializerTest {
  private final RawRecordSerializer serializer = RawRecordSerializer.INSTANCE;

  @Test
  void typeInformationUsesRawRecordSerializer() {
    assertThat(TypeInformation.of(RawRecord.class).createSerializer(new SerializerConfigImpl()))
        .isSameAs(serializer);
  }

  @Test
  void roundTripKeepsEveryFieldButTheDecodedRecord() throws Exception {
    RawRecord r = filled();
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(r, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());

    RawRecord back = serializer.deserialize(in);

    assertThat(in.available()).isZero();
    assertThat(back).isEqualTo(r);
    assertThat(back.time).isEqualTo(r.time);
    assertThat(back.rejection).isEqualTo(r.rejection);
    assertThat(back.decoded).isNull();
  }

  @Test
  void copyKeepsTheDecodedRecordAndCopiesTheBytes() {
    RawRecord r = filled();

    RawRecord copy = serializer.copy(r);

    assertThat(copy).isEqualTo(r);
    assertThat(copy.time).isEqualTo(r.time);
    assertThat(copy.rejection).isEqualTo(r.rejection);
    assertThat(copy.decoded).isSameAs(r.decoded);
    assertThat(copy.payload).isNotSameAs(r.payload);
  }

  @Test
  void nullPayloadRoundTrips() throws Exception {
    RawRecord r = new RawRecord(SourceKind.LINKS, null, 3);
    DataOutputSerializer out = new DataOutputSerializer(64);
    serializer.serialize(r, out);

    RawRecord back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

    assertThat(back.payload).isNull();
    assertThat(back.source).isEqualTo(SourceKind.LINKS);
  }

  /** A field added to RawRecord must be written by the serializer; this lists the known ones. */
  @Test
  void serializerKnowsEveryField() {
    for (Field f : RawRecord.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      assertThat(f.getName())
          .isIn("source", "payload", "sequence", "time", "rejection", "decoded");
    }
  }

  private static RawRecord filled() {
    RawRecord r =
        new RawRecord(SourceKind.FEEDBACK, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 77);
    r.time = 1_700_000_000_000L;
    r.rejection = "time-too-far-ahead";
    r.decoded = new Object();
    return r;
  }
}
