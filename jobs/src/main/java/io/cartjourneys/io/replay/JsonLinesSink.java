package io.cartjourneys.io.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Writes one JSON line per record to a local file. Meant for replay on a local cluster with sink
 * parallelism 1; the file is created empty when the writer starts.
 */
public final class JsonLinesSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final SerializableFunction<T, String> toJson;

  public JsonLinesSink(Path file, SerializableFunction<T, String> toJson) {
    this.file = file.toString();
    this.toJson = toJson;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    Path path = Path.of(file);
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    BufferedWriter out =
        Files.newBufferedWriter(
            path,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) throws IOException {
        out.write(toJson.apply(element));
        out.write('\n');
      }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }
}
