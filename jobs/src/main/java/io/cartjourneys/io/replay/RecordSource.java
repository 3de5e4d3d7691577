package io.cartjourneys.io.replay;

import io.cartjourneys.model.RawRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A bounded Flink source that yields a {@link RecordIterable} in order. It rides on the data
 * generator source: with parallelism 1 that source asks for indexes 0..n-1 in sequence from a
 * single reader, which is exactly one pass over the iterator. Use it with parallelism 1 only.
 */
public final class RecordSource {
  private RecordSource() {}

  public static DataGeneratorSource<RawRecord> of(RecordIterable records) throws IOException {
    return of(records, records.count());
  }

  /**
   * As {@link #of(RecordIterable)}, with the count that {@link RecordIterable#count()} returned.
   */
  public static DataGeneratorSource<RawRecord> of(RecordIterable records, long count) {
    return new DataGeneratorSource<>(
        new IteratingFunction(records), count, TypeInformation.of(RawRecord.class));
  }

  /**
   * As {@link #of(RecordIterable, long)}, with a rate limiter that grants one permit per record
   * before the record is read.
   */
  public static DataGeneratorSource<RawRecord> of(
      RecordIterable records, long count, RateLimiterStrategy<?> limiter) {
    return new DataGeneratorSource<>(
        new IteratingFunction(records), count, limiter, TypeInformation.of(RawRecord.class));
  }

  /** Like {@link #of(RecordIterable)}, but emits at most {@code recordsPerSecond} records. */
  public static DataGeneratorSource<RawRecord> of(RecordIterable records, double recordsPerSecond)
      throws IOException {
    long count = records.count();
    return new DataGeneratorSource<>(
        new IteratingFunction(records),
        count,
        RateLimiterStrategy.perSecond(recordsPerSecond),
        TypeInformation.of(RawRecord.class));
  }

  static final class IteratingFunction implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;
    private final RecordIterable records;
    private transient RecordIterable.CloseableIterator iterator;

    IteratingFunction(RecordIterable records) {
      this.records = records;
    }

    @Override
    public void open(SourceReaderContext readerContext) throws Exception {
      iterator = records.open();
    }

    @Override
    public RawRecord map(Long index) {
      if (!iterator.hasNext()) {
        throw new NoSuchElementException("input ended before record " + index);
      }
      return iterator.next();
    }

    @Override
    public void close() throws Exception {
      if (iterator != null) {
        try {
          iterator.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
