package io.cartjourneys.bench;

import java.util.Locale;

/**
 * One benchmark configuration and repetition.
 *
 * @param mode how much of the job runs
 * @param backend state backend, {@code hashmap} or {@code rocksdb}
 * @param parallelism default parallelism of the job; the replay source always runs at 1
 * @param rateLimit records per second the source may emit, 0 for as fast as the job takes them
 * @param run repetition number, from 1
 */
public record BenchCase(Mode mode, String backend, int parallelism, double rateLimit, int run) {

  /** How much of the job graph a run executes. */
  public enum Mode {
    /** Replay source into a counting sink: reading, merging by time and splitting lines. */
    READ,
    /** Replay source, then the ingest decoder, into counting sinks. */
    DECODE,
    /** The whole job graph with counting sinks. */
    FULL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Returns a name without the repetition, for grouping the runs of one configuration. */
  public String configuration() {
    String name = mode.label() + "/" + backend + "/p" + parallelism;
    return rateLimit > 0 ? name + String.format(Locale.ROOT, "@%.0f/s", rateLimit) : name;
  }
}
