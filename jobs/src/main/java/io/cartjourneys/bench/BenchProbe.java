package io.cartjourneys.bench;

import io.cartjourneys.model.RawRecord;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Measurements shared by the source, the sinks and the bench driver of one benchmark run.
 *
 * <p>It is static because the bench runs the job on a MiniCluster inside its own JVM: the source
 * reader, the sink writers and the driver are threads of one process, so they can share memory and
 * one {@link System#nanoTime()} clock. It does not work on a remote cluster, and only one run may
 * be active at a time ({@link #reset} starts a run).
 */
public final class BenchProbe {
  /** Source progress is recorded at most once per this much event time. */
  private static final long PROGRESS_STEP_MILLIS = 1_000;

  private static final long MAX_LATENCY_MICROS = TimeUnit.HOURS.toMicros(1);

  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
  private static final AtomicLong FIRST_READ_NANOS = new AtomicLong();
  private static final AtomicLong LAST_OUTPUT_NANOS = new AtomicLong();
  private static final LongAdder COMMANDS_AT_END = new LongAdder();
  private static volatile Histogram latencyMicros = newHistogram();
  private static volatile long watermarkLagMillis;
  private static final AtomicLong HOLD_STARTED_NANOS = new AtomicLong();
  private static final AtomicLong HOLD_ENDED_NANOS = new AtomicLong();
  private static volatile CompletableFuture<Void> hold = new CompletableFuture<>();

  // Source progress: the largest record time read so far, and when; appended by the one source
  // thread, searched by sink threads.
  private static long[] progressTimes = new long[1024];
  private static long[] progressNanos = new long[1024];
  private static int progressSize;
  private static long maxTimeRead = Long.MIN_VALUE;

  private BenchProbe() {}

  /** Starts a new run; {@code watermarkLagMillis} is the job's bounded out-of-orderness. */
  public static synchronized void reset(long watermarkLagMillis) {
    COUNTS.clear();
    FIRST_READ_NANOS.set(0);
    LAST_OUTPUT_NANOS.set(0);
    COMMANDS_AT_END.reset();
    latencyMicros = newHistogram();
    BenchProbe.watermarkLagMillis = watermarkLagMillis;
    progressTimes = new long[1024];
    progressNanos = new long[1024];
    progressSize = 0;
    maxTimeRead = Long.MIN_VALUE;
    HOLD_STARTED_NANOS.set(0);
    HOLD_ENDED_NANOS.set(0);
    hold = new CompletableFuture<>();
  }

  /** Called by {@link HoldLastRecord} before the last record; completes on release. */
  static CompletableFuture<Void> startHold() {
    HOLD_STARTED_NANOS.compareAndSet(0, System.nanoTime());
    return hold;
  }

  /** Returns when the source began to hold its last record, or 0 while it has not. */
  public static long holdStartedNanos() {
    return HOLD_STARTED_NANOS.get();
  }

  /** Lets the source read its last record. */
  public static void releaseHold() {
    HOLD_ENDED_NANOS.compareAndSet(0, System.nanoTime());
    hold.complete(null);
  }

  /** Returns how long the source held its last record, in nanoseconds. */
  public static long heldNanos() {
    long start = HOLD_STARTED_NANOS.get();
    long end = HOLD_ENDED_NANOS.get();
    return start > 0 && end > start ? end - start : 0;
  }

  private static Histogram newHistogram() {
    return new SynchronizedHistogram(MAX_LATENCY_MICROS, 3);
  }

  /**
   * Called by the source for every record it hands to Flink, with the record's time or {@link
   * RawRecord#UNKNOWN_TIME}.
   */
  static void recordRead(long recordTime) {
    long now = System.nanoTime();
    FIRST_READ_NANOS.compareAndSet(0, now);
    if (recordTime == RawRecord.UNKNOWN_TIME || recordTime <= maxTimeRead) {
      return;
    }
    synchronized (BenchProbe.class) {
      long last = progressSize == 0 ? Long.MIN_VALUE : progressTimes[progressSize - 1];
      maxTimeRead = recordTime;
      if (progressSize > 0 && recordTime < last + PROGRESS_STEP_MILLIS) {
        return;
      }
      if (progressSize == progressTimes.length) {
        progressTimes = Arrays.copyOf(progressTimes, progressSize * 2);
        progressNanos = Arrays.copyOf(progressNanos, progressSize * 2);
      }
      progressTimes[progressSize] = recordTime;
      progressNanos[progressSize] = now;
      progressSize++;
    }
  }

  /** Called by a sink for every output record. */
  static void recordOutput(String output) {
    COUNTS.computeIfAbsent(output, k -> new LongAdder()).increment();
    LAST_OUTPUT_NANOS.set(System.nanoTime());
  }

  /**
   * Called by a command sink. A command due at {@code deliverAfter} can only be emitted once the
   * watermark has passed that time, which needs a record with time {@code deliverAfter + lag + 1}
   * at the source; the latency counts from when the source read the first such record. A command
   * whose due time no input record passed was fired by the final watermark at end of input and is
   * counted apart.
   */
  static void recordCommand(long deliverAfter) {
    long now = System.nanoTime();
    long needed = deliverAfter + watermarkLagMillis + 1;
    long readAt;
    synchronized (BenchProbe.class) {
      int i = firstAtLeast(needed);
      if (i < 0) {
        readAt = Long.MIN_VALUE;
      } else {
        readAt = progressNanos[i];
      }
    }
    if (readAt == Long.MIN_VALUE) {
      COMMANDS_AT_END.increment();
      return;
    }
    long micros = Math.max(0, (now - readAt) / 1_000);
    latencyMicros.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
  }

  /** Index of the first progress entry at or after {@code time}, or -1. */
  private static int firstAtLeast(long time) {
    int lo = 0;
    int hi = progressSize;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (progressTimes[mid] < time) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < progressSize ? lo : -1;
  }

  public static Map<String, Long> counts() {
    Map<String, Long> result = new TreeMap<>();
    COUNTS.forEach((k, v) -> result.put(k, v.sum()));
    return result;
  }

  public static long firstReadNanos() {
    return FIRST_READ_NANOS.get();
  }

  public static long lastOutputNanos() {
    return LAST_OUTPUT_NANOS.get();
  }

  public static long commandsAtEnd() {
    return COMMANDS_AT_END.sum();
  }

  /** Returns a copy of the run's latency histogram, in microseconds. */
  public static Histogram latencyMicros() {
    return latencyMicros.copy();
  }
}
