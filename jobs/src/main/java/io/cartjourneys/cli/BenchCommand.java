package io.cartjourneys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.bench.BenchCase;
import io.cartjourneys.bench.BenchReport;
import io.cartjourneys.bench.BenchResult;
import io.cartjourneys.bench.BenchRunner;
import io.cartjourneys.config.Durations;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.loadgen.LoadGenerator;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.runtime.util.EnvironmentInformation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the same input through several job variants and writes throughput, memory and latency. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Replays an input directory (as written by generate) through: read (the replay source"
          + " alone), decode (source and ingest decoder) and full (the whole job), each on a local"
          + " MiniCluster in this JVM with counting sinks.",
      "Writes results.csv, cpu-by-task.csv, state-by-task.csv and results.md to --out, and PNG"
          + " plots when the plot script and matplotlib are available."
    })
public class BenchCommand implements Callable<Integer> {
  @Option(names = "--input", paramLabel = "DIR", required = true,
      description = "Directory with events.jsonl and optionally profiles.jsonl, links.jsonl,"
          + " feedback.jsonl.")
  Path input;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Results directory.")
  Path out;

  @Option(names = "--modes", split = ",", defaultValue = "read,decode,full",
      description = "Job variants to run: read, decode, full (default: ${DEFAULT-VALUE}).")
  List<String> modes;

  @Option(names = "--backends", split = ",", defaultValue = "hashmap,rocksdb",
      description = "State backends for the full job (default: ${DEFAULT-VALUE}).")
  List<String> backends;

  @Option(names = "--parallelism", split = ",", defaultValue = "1,2",
      description =
          "Job parallelisms; the replay source always runs at 1 (default: ${DEFAULT-VALUE}).")
  List<Integer> parallelisms;

  @Option(names = "--repeat", defaultValue = "1",
      description = "Runs per configuration, interleaved (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--rate", defaultValue = "0",
      description = "Records per second the source may emit, 0 for as fast as the job takes them;"
          + " a rate below the maximum gives latencies without queueing"
          + " (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--checkpoint-interval", defaultValue = "10s",
      description = "Checkpoint interval, 0 for none (default: ${DEFAULT-VALUE}).")
  String checkpointInterval;

  @Option(
      names = "--flink",
      paramLabel = "KEY=VALUE",
      description =
          "Flink configuration for every run, for example --flink"
              + " execution.buffer-timeout.interval=10ms; repeatable.")
  Map<String, String> flinkOptions = new LinkedHashMap<>();

  /** Job settings; the bench overrides the state backend and parallelism of each case. */
  @Mixin ConfigOptions settings;

  @Option(names = "--plot-script", paramLabel = "FILE", defaultValue = "benchmarks/plot.py",
      description =
          "matplotlib script that draws PNGs from the CSV files (default: ${DEFAULT-VALUE}).")
  Path plotScript;

  @Option(names = "--python", paramLabel = "FILE", defaultValue = "/usr/bin/python3",
      description = "Python interpreter with matplotlib (default: ${DEFAULT-VALUE}).")
  Path python;

  @Option(names = "--no-plots", description = "Do not draw plots.")
  boolean noPlots;

  @Override
  public Integer call() throws Exception {
    if (!Files.isReadable(input.resolve(LoadGenerator.EVENTS))) {
      System.err.println("bench: missing " + input.resolve(LoadGenerator.EVENTS));
      return 2;
    }
    List<BenchCase.Mode> parsedModes = new ArrayList<>();
    for (String m : modes) {
      try {
        parsedModes.add(BenchCase.Mode.valueOf(m.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        System.err.println("bench: unknown mode '" + m + "'; use read, decode or full");
        return 2;
      }
    }
    for (String b : backends) {
      if (!b.equals("hashmap") && !b.equals("rocksdb")) {
        System.err.println("bench: unknown backend '" + b + "'; use hashmap or rocksdb");
        return 2;
      }
    }
    if (repeat < 1 || parallelisms.stream().anyMatch(p -> p < 1) || rate < 0) {
      System.err.println("bench: --repeat and --parallelism must be positive, --rate not negative");
      return 2;
    }
    Duration interval = Durations.parse(checkpointInterval);
    JobConfig jobConfig = settings.load();
    ReplayInput replay =
        new ReplayInput()
            .with(SourceKind.PROFILES, existing(input.resolve(LoadGenerator.PROFILES)))
            .with(SourceKind.LINKS, existing(input.resolve(LoadGenerator.LINKS)))
            .with(SourceKind.EVENTS, existing(input.resolve(LoadGenerator.EVENTS)))
            .with(SourceKind.FEEDBACK, existing(input.resolve(LoadGenerator.FEEDBACK)));
    Files.createDirectories(out);

    List<BenchCase> cases = cases(parsedModes);
    List<BenchResult> results = new ArrayList<>();
    Instant started = Instant.now();
    for (BenchCase c : cases) {
      System.out.printf("[%d/%d] %s run %d ...%n", results.size() + 1, cases.size(),
          c.configuration(), c.run());
      BenchResult r =
          BenchRunner.run(c, jobConfig, replay, interval, flinkOptions, out.resolve("tmp"));
      results.add(r);
      System.out.printf(Locale.ROOT,
          "        %,.0f records/s, %.1f s processing, %.1f s wall, peak heap %.0f MiB%n",
          r.recordsPerSecond(), r.processingSeconds(), r.wallSeconds(),
          r.peakHeapUsed() / 1048576.0);
      BenchReport.writeCsv(out, results); // keep what was measured if a later run fails
    }
    deleteIfEmpty(out.resolve("tmp"));
    List<String> plots = noPlots ? List.of() : plot();
    BenchReport.writeMarkdown(out, results, header(interval, jobConfig, started), plots);
    System.out.println("results in " + out.resolve(BenchReport.RESULTS_MD));
    return 0;
  }

  private List<BenchCase> cases(List<BenchCase.Mode> parsedModes) {
    List<BenchCase> cases = new ArrayList<>();
    for (int run = 1; run <= repeat; run++) {
      for (BenchCase.Mode mode : parsedModes) {
        // Read and decode keep no keyed state, so the backend does not matter to them.
        List<String> modeBackends = mode == BenchCase.Mode.FULL ? backends : List.of("hashmap");
        for (String backend : modeBackends) {
          for (int p : parallelisms) {
            cases.add(new BenchCase(mode, backend, p, rate, run));
          }
        }
      }
    }
    return cases;
  }

  private List<String> header(Duration interval, JobConfig jobConfig, Instant started)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("Date: " + started.truncatedTo(ChronoUnit.SECONDS));
    lines.add("Machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores available to the JVM, " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch"));
    List<String> memoryFlags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-X"))
        .toList();
    lines.add(String.format(Locale.ROOT, "JVM: %s %s, %s, max heap %.0f MiB, memory flags: %s",
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(),
        Runtime.getRuntime().maxMemory() / 1048576.0,
        memoryFlags.isEmpty() ? "none (JVM defaults)" : String.join(" ", memoryFlags)));
    lines.add("Flink " + EnvironmentInformation.getVersion() + " MiniCluster in the same JVM, one"
        + " task manager with one slot per parallel subtask, managed memory "
        + BenchRunner.MANAGED_MEMORY.getMebiBytes() + " MiB");
    if (rate > 0) {
      lines.add(String.format(Locale.ROOT, "Source rate: at most %.0f records/s", rate));
    } else {
      lines.add("Source rate: unlimited (the job runs at its maximum throughput, so latencies"
          + " include queueing)");
    }
    lines.add("Checkpoints: " + (interval.isZero() ? "off" : "every " + Durations.format(interval)
        + " to a local directory (aligned, full snapshots)"));
    lines.add("Watermark lag: " + Durations.format(jobConfig.time.watermarkLag));
    if (!flinkOptions.isEmpty()) {
      lines.add("Flink options: " + flinkOptions);
    }
    lines.add("Input: " + input.toAbsolutePath().normalize() + manifestSummary());
    return lines;
  }

  private String manifestSummary() throws IOException {
    Path manifest = input.resolve(LoadGenerator.MANIFEST);
    if (!Files.exists(manifest)) {
      return "";
    }
    JsonNode m = new ObjectMapper().readTree(manifest.toFile());
    JsonNode s = m.path("settings");
    JsonNode c = m.path("counts");
    return String.format(Locale.ROOT,
        " (generated: %d persons, %d days, seed %d; %d events, %d profiles, %d links,"
            + " %d duplicates, %d malformed lines)",
        s.path("persons").asLong(), s.path("days").asLong(), s.path("seed").asLong(),
        c.path("events").asLong(), c.path("profiles").asLong(), c.path("links").asLong(),
        c.path("duplicates").asLong(), c.path("malformed").asLong());
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  /** Runs the plot script; returns the PNG files it left in the output directory. */
  private List<String> plot() throws IOException, InterruptedException {
    if (!Files.isReadable(plotScript) || !Files.isExecutable(python)) {
      System.err.println("bench: no plots (" + plotScript + " or " + python + " not found); run "
          + python + " " + plotScript + " " + out + " later");
      return List.of();
    }
    Process p = new ProcessBuilder(python.toString(), plotScript.toString(), out.toString())
        .inheritIO()
        .start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroy();
      System.err.println("bench: plot script timed out after 2 minutes");
      return List.of();
    }
    if (p.exitValue() != 0) {
      System.err.println("bench: plot script failed with exit code " + p.exitValue());
      return List.of();
    }
    try (Stream<Path> files = Files.list(out)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted()
          .toList();
    }
  }

  private static Path existing(Path p) {
    return Files.exists(p) ? p : null;
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isEmpty()) {
          Files.delete(dir);
        }
      }
    }
  }
}
