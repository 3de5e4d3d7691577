package io.cartjourneys.io.replay;

import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The four JSON Lines inputs of a replay, interleaved by record time. Each file's line order is its
 * arrival order, so only the heads of the files are compared: the head with the smallest time goes
 * next, ties in the order profiles, links, events, feedback. A head whose time cannot be read goes
 * at once; the job dead-letters it.
 */
public final class ReplayInput implements RecordIterable {
  private static final long serialVersionUID = 1L;

  /** Paths as strings: {@link Path} does not serialize. */
  private final Map<SourceKind, String> files = new EnumMap<>(SourceKind.class);

  public ReplayInput with(SourceKind kind, Path file) {
    if (file != null) {
      files.put(kind, file.toString());
    }
    return this;
  }

  @Override
  public long count() throws IOException {
    long n = 0;
    for (String f : files.values()) {
      n += JsonLinesFiles.countRecords(Path.of(f));
    }
    return n;
  }

  @Override
  public CloseableIterator open() throws IOException {
    List<Head> heads = new ArrayList<>();
    for (Map.Entry<SourceKind, String> e : files.entrySet()) {
      Head h = new Head(e.getKey(), JsonLinesFiles.open(Path.of(e.getValue())));
      h.advance();
      heads.add(h);
    }
    return new CloseableIterator() {
      private long sequence;

      @Override
      public boolean hasNext() {
        for (Head h : heads) {
          if (h.line != null) {
            return true;
          }
        }
        return false;
      }

      @Override
      public RawRecord next() {
        Head best = null;
        for (Head h : heads) {
          if (h.line == null) {
            continue;
          }
          if (best == null || h.time < best.time) {
            best = h; // heads are in SourceKind order, so a tie keeps the earlier kind
          }
        }
        if (best == null) {
          throw new NoSuchElementException();
        }
        RawRecord r = best.line;
        r.sequence = sequence++;
        r.time = best.time == Long.MIN_VALUE ? RawRecord.UNKNOWN_TIME : best.time;
        try {
          best.advance();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return r;
      }

      @Override
      public void close() throws IOException {
        for (Head h : heads) {
          h.reader.close();
        }
      }
    };
  }

  private static final class Head {
    final SourceKind kind;
    final BufferedReader reader;

    /** The next record of this file, decoded for its time; null at the end of the file. */
    RawRecord line;

    long time;

    Head(SourceKind kind, BufferedReader reader) {
      this.kind = kind;
      this.reader = reader;
    }

    void advance() throws IOException {
      String text;
      do {
        text = reader.readLine();
      } while (text != null && text.isBlank());
      if (text == null) {
        line = null;
        return;
      }
      line = new RawRecord(kind, text.getBytes(StandardCharsets.UTF_8), 0);
      // Keeps the decoded record in the RawRecord, for ingest when it runs in this task.
      Long t = RecordDecoder.peekTime(line);
      time = t == null ? Long.MIN_VALUE : t;
    }
  }
}
