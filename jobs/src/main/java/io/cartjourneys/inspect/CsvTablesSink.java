package io.cartjourneys.inspect;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes each {@link TableRow} to its table's CSV file in a local directory. Every table's file is
 * created with its header when the writer starts, so a table without rows is a header-only file.
 * Run it with parallelism 1: each writer truncates the files.
 */
final class CsvTablesSink implements Sink<TableRow> {
  private static final long serialVersionUID = 1L;

  /** As a string: {@link Path} does not serialize. */
  private final String dir;

  CsvTablesSink(Path dir) {
    this.dir = dir.toString();
  }

  @Override
  public SinkWriter<TableRow> createWriter(WriterInitContext context) throws IOException {
    return open(Path.of(dir));
  }

  /** Creates the directory and every table's file with its header. */
  static SinkWriter<TableRow> open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<StateTable, Writer> files = new EnumMap<>(StateTable.class);
    for (StateTable t : StateTable.values()) {
      BufferedWriter w = Files.newBufferedWriter(dir.resolve(t.fileName()), StandardCharsets.UTF_8);
      w.write(t.header());
      w.write('\n');
      files.put(t, w);
    }
    return new SinkWriter<>() {
      @Override
      public void write(TableRow row, Context ctx) throws IOException {
        Writer w = files.get(row.table);
        w.write(row.line);
        w.write('\n');
      }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        for (Writer w : files.values()) {
          w.flush();
        }
      }

      @Override
      public void close() throws IOException {
        IOException first = null;
        for (Writer w : files.values()) {
          try {
            w.close();
          } catch (IOException e) {
            first = first == null ? e : first;
          }
        }
        if (first != null) {
          throw first;
        }
      }
    };
  }
}
