package io.cartjourneys.bench;

import io.cartjourneys.io.replay.RecordIterable;
import io.cartjourneys.model.RawRecord;
import java.io.IOException;

/** Replay input that reports each record's time to {@link BenchProbe} as the source reads it. */
final class ProbedInput implements RecordIterable {
  private static final long serialVersionUID = 1L;
  private final RecordIterable input;

  ProbedInput(RecordIterable input) {
    this.input = input;
  }

  @Override
  public long count() throws IOException {
    return input.count();
  }

  @Override
  public CloseableIterator open() throws IOException {
    CloseableIterator it = input.open();
    return new CloseableIterator() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public RawRecord next() {
        RawRecord r = it.next();
        BenchProbe.recordRead(r.time);
        return r;
      }

      @Override
      public void close() throws IOException {
        it.close();
      }
    };
  }
}
