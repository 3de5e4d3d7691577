package io.cartjourneys.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.ingest.DecodeException;
import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.model.SourceKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrowdTest {

  @Test
  void sameSeedSameRecords() {
    List<InputRecord> first = Crowd.generate(7, 30);
    List<InputRecord> second = Crowd.generate(7, 30);

    assertThat(second).hasSameSizeAs(first);
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i).payload()).as("record %d", i).isEqualTo(first.get(i).payload());
      assertThat(second.get(i).key()).as("key %d", i).isEqualTo(first.get(i).key());
      assertThat(second.get(i).timestamp()).as("time %d", i).isEqualTo(first.get(i).timestamp());
    }
  }

  @Test
  void otherSeedOtherRecords() {
    List<byte[]> first = Crowd.generate(7, 30).stream().map(InputRecord::payload).toList();
    List<byte[]> second = Crowd.generate(8, 30).stream().map(InputRecord::payload).toList();

    assertThat(second).usingElementComparator(java.util.Arrays::compare).isNotEqualTo(first);
  }

  @Test
  void allButTwoRecordsDecode() {
    List<InputRecord> records = Crowd.generate(20260314, 50);
    List<String> rejected = new ArrayList<>();
    int events = 0;
    for (InputRecord r : records) {
      try {
        RecordDecoder.decode(r.source(), r.payload());
        if (r.source() == SourceKind.EVENTS) {
          events++;
        }
      } catch (DecodeException e) {
        rejected.add(e.reason());
      }
    }

    assertThat(rejected).containsExactly("invalid-json", "unrecognised-encoding");
    assertThat(events).isBetween(150, 400);
    assertThat(records).filteredOn(r -> r.source() == SourceKind.PROFILES).hasSizeBetween(25, 50);
  }
}
