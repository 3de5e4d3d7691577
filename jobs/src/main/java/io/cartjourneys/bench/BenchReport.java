package io.cartjourneys.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes benchmark results: {@code results.csv} (one row per run), {@code cpu-by-task.csv},
 * {@code state-by-task.csv} and a {@code results.md} page that summarises the best run of each
 * configuration.
 */
public final class BenchReport {
  public static final String RESULTS_CSV = "results.csv";
  public static final String CPU_CSV = "cpu-by-task.csv";
  public static final String STATE_CSV = "state-by-task.csv";
  public static final String RESULTS_MD = "results.md";

  /** Output streams counted per run, in column order. */
  static final List<String> OUTPUTS =
      List.of(
          "records",
          "signals",
          CountingSinks.PUSH,
          CountingSinks.EMAIL,
          CountingSinks.DECISIONS,
          CountingSinks.CONVERSIONS,
          CountingSinks.DEAD_LETTERS);

  public static final List<String> COLUMNS;

  static {
    List<String> c =
        new ArrayList<>(
            List.of(
                "mode",
                "backend",
                "parallelism",
                "rate_limit",
                "run",
                "input_records",
                "wall_s",
                "processing_s",
                "records_per_s",
                "process_cpu_s",
                "cpu_us_per_record",
                "peak_heap_mb",
                "max_heap_after_gc_mb",
                "checkpoints",
                "max_state_mb"));
    OUTPUTS.forEach(o -> c.add("out_" + o));
    c.addAll(
        List.of(
            "latency_commands",
            "latency_p50_ms",
            "latency_p90_ms",
            "latency_p99_ms",
            "latency_max_ms",
            "commands_at_end",
            "load_avg_before",
            "load_avg_after"));
    COLUMNS = List.copyOf(c);
  }

  private BenchReport() {}

  public static void writeCsv(Path dir, List<BenchResult> results) throws IOException {
    try (PrintWriter w = writer(dir.resolve(RESULTS_CSV))) {
      w.println(String.join(",", COLUMNS));
      for (BenchResult r : results) {
        List<String> v = new ArrayList<>(caseColumns(r.benchCase()));
        v.add(Long.toString(r.inputRecords()));
        v.add(num(r.wallSeconds(), 3));
        v.add(num(r.processingSeconds(), 3));
        v.add(num(r.recordsPerSecond(), 0));
        v.add(num(r.processCpuSeconds(), 2));
        v.add(num(r.cpuMicrosPerRecord(), 1));
        v.add(num(mib(r.peakHeapUsed()), 1));
        v.add(num(mib(r.maxHeapAfterGc()), 1));
        v.add(Long.toString(r.checkpoints()));
        v.add(num(mib(r.maxStateSize()), 2));
        OUTPUTS.forEach(o -> v.add(Long.toString(r.output(o))));
        v.add(Long.toString(r.latencyCommands()));
        v.add(num(r.latencyP50Millis(), 1));
        v.add(num(r.latencyP90Millis(), 1));
        v.add(num(r.latencyP99Millis(), 1));
        v.add(num(r.latencyMaxMillis(), 1));
        v.add(Long.toString(r.commandsAtEnd()));
        v.add(num(r.loadAverageBefore(), 2));
        v.add(num(r.loadAverageAfter(), 2));
        w.println(String.join(",", v));
      }
    }
    try (PrintWriter w = writer(dir.resolve(CPU_CSV))) {
      w.println("mode,backend,parallelism,rate_limit,run,stage,task,cpu_s");
      for (BenchResult r : results) {
        for (Map.Entry<String, Long> e : r.cpuNanosByTask().entrySet()) {
          w.println(String.join(",", caseColumns(r.benchCase())) + "," + csvText(stage(e.getKey()))
              + "," + csvText(e.getKey()) + "," + num(e.getValue() / 1e9, 3));
        }
      }
    }
    try (PrintWriter w = writer(dir.resolve(STATE_CSV))) {
      w.println("mode,backend,parallelism,rate_limit,run,stage,task,state_bytes");
      for (BenchResult r : results) {
        for (Map.Entry<String, Long> e : r.stateSizeByTask().entrySet()) {
          w.println(String.join(",", caseColumns(r.benchCase())) + "," + csvText(stage(e.getKey()))
              + "," + csvText(e.getKey()) + "," + e.getValue());
        }
      }
    }
  }

  /**
   * Writes {@code results.md}.
   *
   * @param header lines about the machine, input and settings, written as a list
   * @param plots PNG file names in {@code dir} to show, possibly none
   */
  public static void writeMarkdown(
      Path dir, List<BenchResult> results, List<String> header, List<String> plots)
      throws IOException {
    writeMarkdown(dir, results, List.of(), List.of(), header, plots);
  }

  /**
   * Writes {@code results.md}.
   *
   * @param scale runs over inputs of different sizes, possibly none
   * @param sections further Markdown lines, such as the live latency section, possibly none
   * @param header lines about the machine, input and settings, written as a list
   * @param plots PNG file names in {@code dir} to show, possibly none
   */
  public static void writeMarkdown(
      Path dir,
      List<BenchResult> results,
      List<ScaleReport.Run> scale,
      List<String> sections,
      List<String> header,
      List<String> plots)
      throws IOException {
    Map<String, List<BenchResult>> byConfig = new LinkedHashMap<>();
    for (BenchResult r : results) {
      byConfig.computeIfAbsent(r.benchCase().configuration(), k -> new ArrayList<>()).add(r);
    }
    Map<String, BenchResult> best = new LinkedHashMap<>();
    byConfig.forEach(
        (k, runs) ->
            best.put(k, runs.stream().max(Comparator.comparingDouble(BenchResult::recordsPerSecond))
                .orElseThrow()));

    try (PrintWriter w = writer(dir.resolve(RESULTS_MD))) {
      w.println("# cart-journeys benchmark results");
      w.println();
      header.forEach(h -> w.println("- " + h));
      w.println();
      if (!results.isEmpty()) {
        w.println("Each configuration ran " + maxRuns(byConfig) + " time(s); the tables show the"
            + " run with the highest throughput, and the range over all runs. Every run is in "
            + RESULTS_CSV + ".");
        w.println();
        w.println("## Throughput and memory");
        w.println();
        w.println("| configuration | records/s (best) | records/s (range) | processing s | wall s"
            + " | CPU s | CPU µs/record | peak heap MiB | max heap after GC MiB | checkpoints"
            + " | max state MiB | load avg |");
        w.println("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        best.forEach(
            (k, r) -> {
              List<BenchResult> runs = byConfig.get(k);
              double lo = runs.stream().mapToDouble(BenchResult::recordsPerSecond).min().orElse(0);
              double hi = runs.stream().mapToDouble(BenchResult::recordsPerSecond).max().orElse(0);
              w.printf(
                  Locale.ROOT,
                  "| %s | %.0f | %.0f-%.0f | %.2f | %.2f | %.1f | %.1f | %.0f | %.0f | %d | %.2f"
                      + " | %.1f-%.1f |%n",
                  k,
                  r.recordsPerSecond(),
                  lo,
                  hi,
                  r.processingSeconds(),
                  r.wallSeconds(),
                  r.processCpuSeconds(),
                  r.cpuMicrosPerRecord(),
                  mib(r.peakHeapUsed()),
                  mib(r.maxHeapAfterGc()),
                  r.checkpoints(),
                  mib(r.maxStateSize()),
                  r.loadAverageBefore(),
                  r.loadAverageAfter());
            });
        w.println();
        w.println("## Outputs");
        w.println();
        w.println("| configuration | " + String.join(" | ", OUTPUTS) + " |");
        w.println("|---|" + "---:|".repeat(OUTPUTS.size()));
        best.forEach(
            (k, r) ->
                w.println("| " + k + " | "
                    + OUTPUTS.stream().map(o -> Long.toString(r.output(o)))
                        .collect(Collectors.joining(" | "))
                    + " |"));
        w.println();
        w.println(outputAgreement(results));
        w.println();
        w.println("## Watermark-to-command latency (full job)");
        w.println();
        w.println("| configuration | commands measured | p50 ms | p90 ms | p99 ms | max ms |"
            + " fired at end of input |");
        w.println("|---|---:|---:|---:|---:|---:|---:|");
        best.forEach(
            (k, r) -> {
              if (r.benchCase().mode() == BenchCase.Mode.FULL) {
                w.printf(
                    Locale.ROOT,
                    "| %s | %d | %.1f | %.1f | %.1f | %.1f | %d |%n",
                    k,
                    r.latencyCommands(),
                    r.latencyP50Millis(),
                    r.latencyP90Millis(),
                    r.latencyP99Millis(),
                    r.latencyMaxMillis(),
                    r.commandsAtEnd());
              }
            });
        w.println();
        w.println("## CPU seconds by task (best run of each configuration)");
        w.println();
        w.println("Sampled from Java thread CPU time every 100 ms; garbage collection, JIT and"
            + " RocksDB's native threads are only in the process total.");
        w.println();
        byTaskTable(w, best, BenchResult::cpuNanosByTask, 1e9, "%.2f");
        w.println();
        w.println("## Checkpointed state by task (largest checkpoint of the best run)");
        w.println();
        byTaskTable(w, best, BenchResult::stateSizeByTask, 1024.0 * 1024.0, "%.2f MiB");
        w.println();
      }
      ScaleReport.writeMarkdown(w, scale);
      sections.forEach(w::println);
      if (!plots.isEmpty()) {
        w.println();
        w.println("## Plots");
        w.println();
        plots.forEach(p -> w.println("![" + p + "](" + p + ")"));
      }
    }
  }

  private static void byTaskTable(
      PrintWriter w,
      Map<String, BenchResult> best,
      java.util.function.Function<BenchResult, Map<String, Long>> values,
      double divisor,
      String format) {
    w.println("| configuration | task | value |");
    w.println("|---|---|---:|");
    best.forEach(
        (k, r) ->
            values.apply(r).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(
                    e ->
                        w.println("| " + k + " | " + stage(e.getKey()) + " | "
                            + String.format(Locale.ROOT, format, e.getValue() / divisor) + " |")));
  }

  /** Describes whether every full run produced the same numbers of commands and decisions. */
  static String outputAgreement(List<BenchResult> results) {
    List<String> distinct =
        results.stream()
            .filter(r -> r.benchCase().mode() == BenchCase.Mode.FULL)
            .map(
                r ->
                    r.output(CountingSinks.PUSH) + "/" + r.output(CountingSinks.EMAIL) + "/"
                        + r.output(CountingSinks.DECISIONS) + "/"
                        + r.output(CountingSinks.CONVERSIONS) + "/"
                        + r.output(CountingSinks.DEAD_LETTERS))
            .distinct()
            .toList();
    if (distinct.isEmpty()) {
      return "No full-job runs.";
    }
    if (distinct.size() == 1) {
      return "Every full-job run, on every backend and parallelism, produced the same counts of"
          + " push, email, decisions, conversions and dead letters (" + distinct.get(0) + ").";
    }
    return "WARNING: full-job runs disagree on output counts (push/email/decisions/conversions/"
        + "dead letters): " + String.join(", ", distinct) + ". The job promises the same output"
        + " for the same input whatever the parallelism.";
  }

  /**
   * Returns a short name for a Flink task: the job's operators it chains, by stage, in chain order.
   * A chain with none of the known operator names keeps its full name.
   */
  static String stage(String chain) {
    List<Map.Entry<Integer, String>> found = new ArrayList<>();
    STAGES.forEach(
        (name, label) -> {
          int at = chain.indexOf(name);
          if (at >= 0) {
            found.add(Map.entry(at, label));
          }
        });
    if (found.isEmpty()) {
      return chain.startsWith("Count ") ? "sinks" : chain;
    }
    found.sort(Map.Entry.comparingByKey());
    return found.stream().map(Map.Entry::getValue).distinct().collect(Collectors.joining(" + "));
  }

  /** Operator names of the job graph and of the bench's own source, with their stage labels. */
  private static final Map<String, String> STAGES = new LinkedHashMap<>();

  static {
    STAGES.put("Replay input files", "source");
    STAGES.put("Ingest: decode and validate", "ingest");
    STAGES.put("Event time:", "event time");
    STAGES.put("Identity: drop unusable identifiers", "sanitize");
    STAGES.put("Dedupe:", "dedupe");
    STAGES.put("Detect: cart changes and purchases", "cep filter");
    STAGES.put("Detect: cart change, then no activity (CEP)", "cep");
    STAGES.put("Detect: late cart changes", "late carts");
    STAGES.put("Detect: cart changes late at CEP", "late carts");
    STAGES.put("Detect: candidates for late cart changes", "late carts");
    STAGES.put("Identity: emails and phones", "identity emails");
    STAGES.put("Identity: per-person link limits", "link limits");
    STAGES.put("Identity: web cookies", "identity cookies");
    STAGES.put("Identity: mobile devices", "identity devices");
    STAGES.put("Identity: records with a known customer", "owned filter");
    STAGES.put("Decide:", "decide");
    STAGES.put("Orchestrate:", "orchestrate");
  }

  private static int maxRuns(Map<String, List<BenchResult>> byConfig) {
    return byConfig.values().stream().mapToInt(List::size).max().orElse(0);
  }

  private static List<String> caseColumns(BenchCase c) {
    return List.of(
        c.mode().label(),
        c.backend(),
        Integer.toString(c.parallelism()),
        num(c.rateLimit(), 0),
        Integer.toString(c.run()));
  }

  private static String csvText(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static String num(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static PrintWriter writer(Path file) throws IOException {
    return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
  }
}
