package io.cartjourneys.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cartjourneys.cli.CartJourneysCli;
import io.cartjourneys.loadgen.LoadCounts;
import io.cartjourneys.loadgen.LoadGenerator;
import io.cartjourneys.loadgen.LoadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the bench command on a tiny generated input; checks the result files, not timings. */
class BenchCommandITCase {
  @TempDir Path tmp;

  @Test
  void benchWritesOneRowPerRun() throws Exception {
    Path in = tmp.resolve("in");
    LoadCounts counts =
        LoadGenerator.generate(
            new LoadSettings(150, 1, 3, LoadSettings.DEFAULT_START, 0.2, 0.4, 0.3, 0.005, 0.01),
            in);
    Path out = tmp.resolve("results");

    int exit =
        new CommandLine(new CartJourneysCli())
            .execute(
                "bench",
                "--parts", "matrix",
                "--input", in.toString(),
                "--out", out.toString(),
                "--modes", "decode,full",
                "--backends", "hashmap",
                "--parallelism", "1",
                "--repeat", "1",
                "--checkpoint-interval", "1s",
                "--no-plots");

    assertThat(exit).isZero();
    List<String> lines = Files.readAllLines(out.resolve(BenchReport.RESULTS_CSV));
    assertThat(lines.get(0).split(",")).containsExactlyElementsOf(BenchReport.COLUMNS);
    assertThat(lines).hasSize(3);
    Map<String, String> decode = row(lines.get(0), lines.get(1));
    Map<String, String> full = row(lines.get(0), lines.get(2));
    assertThat(decode.get("mode")).isEqualTo("decode");
    assertThat(full.get("mode")).isEqualTo("full");
    for (Map<String, String> r : List.of(decode, full)) {
      assertThat(Long.parseLong(r.get("input_records"))).isEqualTo(counts.lines());
      assertThat(Double.parseDouble(r.get("records_per_s"))).isPositive();
      assertThat(Double.parseDouble(r.get("processing_s"))).isPositive();
      assertThat(Double.parseDouble(r.get("peak_heap_mb"))).isPositive();
      assertThat(Long.parseLong(r.get("out_dead_letters"))).isEqualTo(counts.malformed);
    }
    assertThat(Long.parseLong(decode.get("out_signals")))
        .isEqualTo(counts.lines() - counts.malformed);
    assertThat(Long.parseLong(full.get("out_decisions"))).isPositive();
    assertThat(out.resolve(BenchReport.RESULTS_MD)).exists();
    assertThat(Files.readAllLines(out.resolve(BenchReport.CPU_CSV))).hasSizeGreaterThan(1);

    // The plot script reads these files by column name; run it where matplotlib is installed.
    Path python = Path.of("/usr/bin/python3");
    Path script = Path.of("..", "benchmarks", "plot.py");
    assumeTrue(Files.isExecutable(python) && Files.exists(script), "no python3 or plot script");
    assumeTrue(run(python.toString(), "-c", "import matplotlib") == 0, "no matplotlib");
    assertThat(run(python.toString(), script.toString(), out.toString())).isZero();
    assertThat(out.resolve("throughput.png")).exists();
    assertThat(out.resolve("cpu-by-stage.png")).exists();
  }

  /** The scale part generates its input and reports state at the end of it, per known person. */
  @Test
  void scalePartWritesStatePerKnownPerson() throws Exception {
    Path out = tmp.resolve("scale");

    int exit =
        new CommandLine(new CartJourneysCli())
            .execute(
                "bench",
                "--parts", "scale",
                "--scale-persons", "120",
                "--parallelism", "1",
                "--work-dir", tmp.resolve("work").toString(),
                "--checkpoint-interval", "0",
                "--out", out.toString(),
                "--no-plots");

    assertThat(exit).isZero();
    List<String> lines = Files.readAllLines(out.resolve(ScaleReport.SCALING_CSV));
    assertThat(lines.get(0).split(",")).containsExactlyElementsOf(ScaleReport.COLUMNS);
    assertThat(lines).hasSize(2);
    Map<String, String> r = row(lines.get(0), lines.get(1));
    assertThat(r.get("input")).isEqualTo("generated");
    assertThat(r.get("persons")).isEqualTo("120");
    assertThat(Long.parseLong(r.get("known_persons"))).isPositive();
    assertThat(Double.parseDouble(r.get("end_state_mb"))).isPositive();
    assertThat(Double.parseDouble(r.get("person_state_bytes_per_known_person"))).isPositive();
    assertThat(Double.parseDouble(r.get("state_bytes_per_known_person")))
        .isGreaterThan(Double.parseDouble(r.get("person_state_bytes_per_known_person")));
    assertThat(Long.parseLong(r.get("out_decisions"))).isPositive();
    assertThat(Files.readAllLines(out.resolve(ScaleReport.SCALING_STATE_CSV)))
        .hasSizeGreaterThan(1);
    assertThat(Files.readString(out.resolve(BenchReport.RESULTS_MD)))
        .contains("## Scaling with the number of persons");
  }

  /**
   * Runs a command and prints its output through System.out, which the test runner captures.
   * Output written straight to this JVM's stdout would corrupt the runner's channel.
   */
  private static int run(String... command) throws Exception {
    Path log = Files.createTempFile("bench-command", ".log");
    try {
      Process p =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = p.waitFor(2, TimeUnit.MINUTES);
      if (!finished) {
        p.destroyForcibly();
      }
      System.out.print(Files.readString(log));
      if (!finished) {
        throw new AssertionError("timed out after 2 minutes: " + String.join(" ", command));
      }
      return p.exitValue();
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Map<String, String> row(String header, String line) {
    String[] names = header.split(",");
    String[] values = line.split(",");
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      row.put(names[i], values[i]);
    }
    return row;
  }
}
