package io.cartjourneys.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the runs of the full job over inputs of different sizes: {@code scaling.csv}, {@code
 * scaling-state-by-task.csv}, and a section of {@code results.md}. State sizes come from the
 * checkpoint taken while the source held its last record (see {@link HoldLastRecord}), so they
 * show the state of a live job at the end of its input.
 */
public final class ScaleReport {
  public static final String SCALING_CSV = "scaling.csv";
  public static final String SCALING_STATE_CSV = "scaling-state-by-task.csv";

  public static final List<String> COLUMNS =
      List.of(
          "input",
          "persons",
          "known_persons",
          "days",
          "backend",
          "parallelism",
          "input_records",
          "processing_s",
          "records_per_s",
          "process_cpu_s",
          "cpu_us_per_record",
          "peak_heap_mb",
          "max_heap_after_gc_mb",
          "end_state_mb",
          "person_state_mb",
          "state_bytes_per_known_person",
          "person_state_bytes_per_known_person",
          "out_push",
          "out_email",
          "out_decisions",
          "load_avg_before",
          "load_avg_after");

  /** Stages keyed by customer id: their state is the part that grows with known persons. */
  static final List<String> PERSON_STAGES = List.of("link limits", "decide", "orchestrate");

  /**
   * One run of the full job over one input.
   *
   * @param input label of the input, such as {@code generated} or {@code rees46}
   * @param persons shoppers in the input, known and anonymous
   * @param knownPersons persons with a customer id and a CRM profile
   * @param days days of activity, 0 when unknown
   */
  public record Run(String input, long persons, long knownPersons, int days, BenchResult result) {
    /** Returns the end-of-input state of the stages keyed by customer id, in bytes. */
    public long personState() {
      long sum = 0;
      for (Map.Entry<String, Long> e : result.endStateSizeByTask().entrySet()) {
        if (isPersonStage(e.getKey())) {
          sum += e.getValue();
        }
      }
      return sum;
    }

    public double stateBytesPerKnownPerson() {
      return knownPersons > 0 && result.endStateSize() >= 0
          ? (double) result.endStateSize() / knownPersons
          : -1;
    }

    public double personStateBytesPerKnownPerson() {
      return knownPersons > 0 && result.endStateSize() >= 0
          ? (double) personState() / knownPersons
          : -1;
    }
  }

  private ScaleReport() {}

  static boolean isPersonStage(String task) {
    String stage = BenchReport.stage(task);
    return PERSON_STAGES.stream().anyMatch(stage::contains);
  }

  public static void writeCsv(Path dir, List<Run> runs) throws IOException {
    try (PrintWriter w = writer(dir.resolve(SCALING_CSV))) {
      w.println(String.join(",", COLUMNS));
      for (Run run : runs) {
        BenchResult r = run.result();
        List<String> v = new ArrayList<>();
        v.add(run.input());
        v.add(Long.toString(run.persons()));
        v.add(Long.toString(run.knownPersons()));
        v.add(Integer.toString(run.days()));
        v.add(r.benchCase().backend());
        v.add(Integer.toString(r.benchCase().parallelism()));
        v.add(Long.toString(r.inputRecords()));
        v.add(num(r.processingSeconds(), 3));
        v.add(num(r.recordsPerSecond(), 0));
        v.add(num(r.processCpuSeconds(), 2));
        v.add(num(r.cpuMicrosPerRecord(), 1));
        v.add(num(mib(r.peakHeapUsed()), 1));
        v.add(num(mib(r.maxHeapAfterGc()), 1));
        v.add(num(mib(r.endStateSize()), 2));
        v.add(num(mib(run.personState()), 2));
        v.add(num(run.stateBytesPerKnownPerson(), 0));
        v.add(num(run.personStateBytesPerKnownPerson(), 0));
        v.add(Long.toString(r.output(CountingSinks.PUSH)));
        v.add(Long.toString(r.output(CountingSinks.EMAIL)));
        v.add(Long.toString(r.output(CountingSinks.DECISIONS)));
        v.add(num(r.loadAverageBefore(), 2));
        v.add(num(r.loadAverageAfter(), 2));
        w.println(String.join(",", v));
      }
    }
    try (PrintWriter w = writer(dir.resolve(SCALING_STATE_CSV))) {
      w.println("input,persons,backend,parallelism,stage,task,person_keyed,state_bytes");
      for (Run run : runs) {
        BenchResult r = run.result();
        for (Map.Entry<String, Long> e : r.endStateSizeByTask().entrySet()) {
          w.println(
              String.join(
                  ",",
                  run.input(),
                  Long.toString(run.persons()),
                  r.benchCase().backend(),
                  Integer.toString(r.benchCase().parallelism()),
                  quoted(BenchReport.stage(e.getKey())),
                  quoted(e.getKey()),
                  Boolean.toString(isPersonStage(e.getKey())),
                  Long.toString(e.getValue())));
        }
      }
    }
  }

  /** Writes the scaling section of {@code results.md}. */
  static void writeMarkdown(PrintWriter w, List<Run> runs) {
    if (runs.isEmpty()) {
      return;
    }
    w.println("## Scaling with the number of persons (full job)");
    w.println();
    w.println("State is the checkpoint taken while the source held its last record, so it is the"
        + " state of a live job at the end of its input. Person state is the part in the stages"
        + " keyed by customer id (" + String.join(", ", PERSON_STAGES) + "); the rest (dedupe"
        + " ids, identity of cookies and devices, CEP, records waiting for the watermark) is"
        + " keyed by other ids. Per known person means divided by the persons with a customer"
        + " id and a CRM profile.");
    w.println();
    w.println("| input | persons | known | backend | p | records | records/s | CPU µs/record"
        + " | peak heap MiB | heap after GC MiB | state MiB | state B/known person"
        + " | person state B/known person | load avg |");
    w.println("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for (Run run : runs) {
      BenchResult r = run.result();
      w.printf(
          Locale.ROOT,
          "| %s | %,d | %,d | %s | %d | %,d | %,.0f | %.1f | %.0f | %.0f | %.1f | %,.0f | %,.0f"
              + " | %.1f-%.1f |%n",
          run.input(),
          run.persons(),
          run.knownPersons(),
          r.benchCase().backend(),
          r.benchCase().parallelism(),
          r.inputRecords(),
          r.recordsPerSecond(),
          r.cpuMicrosPerRecord(),
          mib(r.peakHeapUsed()),
          mib(r.maxHeapAfterGc()),
          mib(r.endStateSize()),
          run.stateBytesPerKnownPerson(),
          run.personStateBytesPerKnownPerson(),
          r.loadAverageBefore(),
          r.loadAverageAfter());
    }
    w.println();
  }

  private static String quoted(String s) {
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
