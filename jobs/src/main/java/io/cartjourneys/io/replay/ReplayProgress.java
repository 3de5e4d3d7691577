package io.cartjourneys.io.replay;

/** Receives the progress of a replay while its job runs. */
@FunctionalInterface
public interface ReplayProgress {
  ReplayProgress NONE = (recordsRead, recordsTotal) -> {};

  /**
   * Receives the number of input records the job has read so far. The runner calls it from the
   * thread that started the replay, about every {@link ReplayRunner#PROGRESS_INTERVAL}, and once
   * more with the final count after the job ends.
   */
  void update(long recordsRead, long recordsTotal);
}
