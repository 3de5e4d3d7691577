package io.cartjourneys.demo;

import io.cartjourneys.io.AvroInputs;
import io.cartjourneys.model.SourceKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A scenario shipped as class-path resources, one JSON Lines file per input ({@code
 * profiles.jsonl}, {@code links.jsonl}, {@code events.jsonl}, {@code feedback.jsonl}), converted to
 * Avro input records. A missing file means that input has no records.
 */
public final class StoryInputs {
  /** The acceptance story of the product: Ananya's abandoned trail runners. */
  public static final String ANANYA = "demo/ananya";

  private StoryInputs() {}

  /** Reads every input file of the scenario under the resource directory. */
  public static List<InputRecord> load(String resourceDir) throws IOException {
    List<InputRecord> records = new ArrayList<>();
    for (SourceKind kind : SourceKind.values()) {
      String resource = resourceDir + "/" + kind.label() + ".jsonl";
      try (InputStream in = StoryInputs.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          continue;
        }
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
          number++;
          if (line.isBlank()) {
            continue;
          }
          try {
            records.add(InputRecord.of(kind, AvroInputs.fromJson(kind, line)));
          } catch (IllegalArgumentException e) {
            throw new IOException("Invalid record in " + resource + " line " + number, e);
          }
        }
      }
    }
    return records;
  }
}
