package io.cartjourneys.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RawRecordDeserializerTest {

  @Test
  void offsetBecomesSequence() {
    List<RawRecord> out = deserialize(SourceKind.LINKS, new byte[] {1, 2, 3}, 41);

    assertThat(out).containsExactly(new RawRecord(SourceKind.LINKS, new byte[] {1, 2, 3}, 41));
  }

  @Test
  void recordTimeReadFromPayload() {
    byte[] json =
        ("{\"event_id\":\"e-1\",\"event_type\":\"APP_OPEN\","
                + "\"occurred_at\":\"2026-03-14T21:31:00+05:30\"}")
            .getBytes(StandardCharsets.UTF_8);

    RawRecord record = deserialize(SourceKind.EVENTS, json, 0).get(0);

    assertThat(record.time).isEqualTo(Instant.parse("2026-03-14T16:01:00Z").toEpochMilli());
  }

  @Test
  void undecodableRecordHasUnknownTime() {
    RawRecord record = deserialize(SourceKind.EVENTS, new byte[] {0, 1, 2}, 0).get(0);

    assertThat(record.time).isEqualTo(RawRecord.UNKNOWN_TIME);
  }

  @Test
  void tombstoneBecomesEmptyPayload() {
    List<RawRecord> out = deserialize(SourceKind.PROFILES, null, 7);

    assertThat(out).containsExactly(new RawRecord(SourceKind.PROFILES, new byte[0], 7));
  }

  private static List<RawRecord> deserialize(SourceKind kind, byte[] value, long offset) {
    List<RawRecord> out = new ArrayList<>();
    new RawRecordDeserializer(kind)
        .deserialize(
            new ConsumerRecord<>("topic", 0, offset, null, value),
            new Collector<>() {
              @Override
              public void collect(RawRecord record) {
                out.add(record);
              }

              @Override
              public void close() {}
            });
    return out;
  }
}
