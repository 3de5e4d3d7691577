package io.cartjourneys.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoryInputsTest {

  @Test
  void ananyaStoryCounts() throws Exception {
    List<InputRecord> records = StoryInputs.load(StoryInputs.ANANYA);

    assertThat(records).filteredOn(r -> r.source() == SourceKind.PROFILES).hasSize(1);
    assertThat(records).filteredOn(r -> r.source() == SourceKind.LINKS).hasSize(1);
    assertThat(records).filteredOn(r -> r.source() == SourceKind.EVENTS).hasSize(6);
    assertThat(records).filteredOn(r -> r.source() == SourceKind.FEEDBACK).isEmpty();
  }

  /** The Avro form must carry everything the job reads from the JSON form. */
  @Test
  void avroDecodesLikeJson() throws Exception {
    List<InputRecord> records = StoryInputs.load(StoryInputs.ANANYA);
    List<String> lines = new ArrayList<>();
    for (SourceKind kind : SourceKind.values()) {
      lines.addAll(lines(kind));
    }

    assertThat(records).hasSameSizeAs(lines);
    for (int i = 0; i < records.size(); i++) {
      InputRecord r = records.get(i);
      Signal fromAvro = RecordDecoder.decode(r.source(), r.payload());
      Signal fromJson =
          RecordDecoder.decode(r.source(), lines.get(i).getBytes(StandardCharsets.UTF_8));
      assertThat(fromAvro).as(lines.get(i)).usingRecursiveComparison().isEqualTo(fromJson);
      assertThat(r.timestamp().toEpochMilli()).isEqualTo(fromJson.time);
    }
  }

  private static List<String> lines(SourceKind kind) throws Exception {
    var in =
        StoryInputsTest.class
            .getClassLoader()
            .getResourceAsStream(StoryInputs.ANANYA + "/" + kind.label() + ".jsonl");
    if (in == null) {
      return List.of();
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.lines().filter(l -> !l.isBlank()).toList();
    }
  }
}
