package io.cartjourneys.upgrade;

import io.cartjourneys.ingest.RecordDecoder;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.SourceKind;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A fixed list of input records as a Flink source that can stop emitting after a given record and
 * stay open, so that a job keeps its state and pending timers until it is stopped with a
 * savepoint or {@linkplain #resume resumed}.
 *
 * <p>The source is the data generator source at parallelism 1: its state is the index of the next
 * record, so a job restored from a savepoint continues the same list where the first job paused.
 * Only for jobs in this JVM (a MiniCluster), because the pause is coordinated through a static
 * counter.
 */
final class PausableInput implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Records emitted so far, per run name. */
  private static final Map<String, AtomicLong> EMITTED = new ConcurrentHashMap<>();

  /** Completed when a paused run may go on. */
  private static final Map<String, CompletableFuture<Void>> RESUMED = new ConcurrentHashMap<>();

  private final List<SourceKind> kinds = new ArrayList<>();
  private final List<String> lines = new ArrayList<>();

  PausableInput add(SourceKind kind, String json) {
    kinds.add(kind);
    lines.add(json);
    return this;
  }

  int size() {
    return lines.size();
  }

  /** Emits every record and ends, or continues after a restored position and ends. */
  DataGeneratorSource<RawRecord> source(String run) {
    return new DataGeneratorSource<>(
        new Generator(this, run), lines.size(), TypeInformation.of(RawRecord.class));
  }

  /** Emits the first {@code count} records and then stays open without emitting more. */
  DataGeneratorSource<RawRecord> sourcePausedAfter(String run, long count) {
    return new DataGeneratorSource<>(
        new Generator(this, run),
        lines.size(),
        new PauseAfter(run, count),
        TypeInformation.of(RawRecord.class));
  }

  /** Lets a paused run emit the rest of the records. */
  static void resume(String run) {
    resumed(run).complete(null);
  }

  private static CompletableFuture<Void> resumed(String run) {
    return RESUMED.computeIfAbsent(run, r -> new CompletableFuture<>());
  }

  /** Returns how many records the source of a run has emitted in this JVM. */
  static long emitted(String run) {
    AtomicLong count = EMITTED.get(run);
    return count == null ? 0 : count.get();
  }

  private RawRecord record(int index) {
    byte[] payload = lines.get(index).getBytes(StandardCharsets.UTF_8);
    RawRecord r = new RawRecord(kinds.get(index), payload, index);
    Long time = RecordDecoder.peekTime(r.source, payload);
    r.time = time == null ? RawRecord.UNKNOWN_TIME : time;
    return r;
  }

  private static final class Generator implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;
    private final PausableInput input;
    private final String run;

    Generator(PausableInput input, String run) {
      this.input = input;
      this.run = run;
    }

    @Override
    public RawRecord map(Long index) {
      EMITTED.computeIfAbsent(run, r -> new AtomicLong()).set(index + 1);
      return input.record(index.intValue());
    }
  }

  /**
   * Grants a permit while fewer than {@code count} records have been emitted, and after that only
   * once the run is resumed. The source task keeps running and takes part in checkpoints and
   * savepoints while it waits.
   */
  private static final class PauseAfter implements RateLimiterStrategy<NumberSequenceSplit> {
    private static final long serialVersionUID = 1L;
    private final String run;
    private final long count;

    PauseAfter(String run, long count) {
      this.run = run;
      this.count = count;
    }

    @Override
    public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
      return permits ->
          emitted(run) < count ? CompletableFuture.completedFuture(null) : resumed(run);
    }
  }
}
