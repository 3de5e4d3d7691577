package io.cartjourneys.io.replay;

import io.cartjourneys.model.RawRecord;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;

/**
 * A finite, repeatable sequence of raw records: it can count itself and be iterated from the start
 * inside a Flink source reader. Implementations hold only paths and settings, so they serialize.
 */
public interface RecordIterable extends Serializable {
  /** The exact number of records {@link #open()} will yield. */
  long count() throws IOException;

  /** A fresh iterator from the first record; closing it releases the files. */
  CloseableIterator open() throws IOException;

  /** An iterator over records that holds open files. */
  interface CloseableIterator extends Iterator<RawRecord>, AutoCloseable {
    @Override
    void close() throws IOException;
  }
}
