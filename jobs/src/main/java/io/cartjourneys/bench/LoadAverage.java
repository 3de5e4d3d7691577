package io.cartjourneys.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's one-minute load average. Benchmarks record it because other processes on the
 * machine slow a run down, and the numbers are only comparable between runs with similar load.
 */
final class LoadAverage {
  private LoadAverage() {}

  /** Reads the first field of {@code /proc/loadavg}; returns -1 where that file does not exist. */
  static double oneMinute() {
    try {
      String text = Files.readString(Path.of("/proc/loadavg")).trim();
      return Double.parseDouble(text.substring(0, text.indexOf(' ')));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
