package io.cartjourneys.replay;

import io.cartjourneys.io.replay.JsonLinesFiles;
import io.cartjourneys.io.replay.RecordIterable;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * A replay input kept in one file of {@code kind<TAB>base64} lines in arrival order. Unlike the
 * JSON Lines files it carries binary records (Avro, broken UTF-8) and any interleaving a test
 * wants.
 */
public final class EncodedRecords implements RecordIterable {
  private static final long serialVersionUID = 1L;
  private final String file;

  private EncodedRecords(Path file) {
    this.file = file.toString();
  }

  /** Writes the records, in order, and returns an input that replays them. */
  public static EncodedRecords write(Path file, List<RawRecord> records) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (RawRecord r : records) {
        w.write(r.source.label());
        w.write('\t');
        w.write(Base64.getEncoder().encodeToString(r.payload));
        w.write('\n');
      }
    }
    return new EncodedRecords(file);
  }

  @Override
  public long count() throws IOException {
    return JsonLinesFiles.countRecords(Path.of(file));
  }

  @Override
  public CloseableIterator open() throws IOException {
    BufferedReader reader = JsonLinesFiles.open(Path.of(file));
    return new CloseableIterator() {
      private String line = reader.readLine();
      private long sequence;

      @Override
      public boolean hasNext() {
        return line != null;
      }

      @Override
      public RawRecord next() {
        if (line == null) {
          throw new NoSuchElementException();
        }
        int tab = line.indexOf('\t');
        SourceKind kind = SourceKind.valueOf(line.substring(0, tab).toUpperCase(Locale.ROOT));
        byte[] payload = Base64.getDecoder().decode(line.substring(tab + 1));
        RawRecord r = new RawRecord(kind, payload, sequence++);
        try {
          line = reader.readLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return r;
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }
}
