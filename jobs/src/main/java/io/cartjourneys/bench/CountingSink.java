package io.cartjourneys.bench;

import io.cartjourneys.avro.EngagementCommand;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Discards records after counting them in {@link BenchProbe}; for engagement commands it also
 * records the watermark-to-command latency.
 */
final class CountingSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;
  private final String output;

  CountingSink(String output) {
    this.output = output;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        if (element instanceof EngagementCommand c) {
          BenchProbe.recordCommand(c.getDeliverAfter().toEpochMilli());
        }
        BenchProbe.recordOutput(output);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
