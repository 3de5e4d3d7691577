package io.cartjourneys.bench;

import java.util.Map;

/**
 * Measurements of one benchmark run. Times are in seconds, sizes in bytes and latencies in
 * milliseconds. A latency is -1 when the run emitted no command that could be measured. The end
 * state is the checkpoint taken while the source held its last record, -1 when none was taken.
 */
public record BenchResult(
    BenchCase benchCase,
    long inputRecords,
    double wallSeconds,
    double processingSeconds,
    double processCpuSeconds,
    long peakHeapUsed,
    long maxHeapAfterGc,
    long checkpoints,
    long maxStateSize,
    Map<String, Long> outputs,
    long latencyCommands,
    double latencyP50Millis,
    double latencyP90Millis,
    double latencyP99Millis,
    double latencyMaxMillis,
    long commandsAtEnd,
    Map<String, Long> cpuNanosByTask,
    Map<String, Long> stateSizeByTask,
    long endStateSize,
    Map<String, Long> endStateSizeByTask,
    double loadAverageBefore,
    double loadAverageAfter) {

  public double recordsPerSecond() {
    return processingSeconds > 0 ? inputRecords / processingSeconds : 0;
  }

  /** Returns process CPU time per input record in microseconds, which other load skews less. */
  public double cpuMicrosPerRecord() {
    return inputRecords > 0 ? processCpuSeconds * 1e6 / inputRecords : 0;
  }

  public long output(String name) {
    return outputs.getOrDefault(name, 0L);
  }
}
