package io.cartjourneys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.bench.BenchCase;
import io.cartjourneys.bench.BenchReport;
import io.cartjourneys.bench.BenchResult;
import io.cartjourneys.bench.BenchRunner;
import io.cartjourneys.bench.LiveLatency;
import io.cartjourneys.bench.ScaleReport;
import io.cartjourneys.config.Durations;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.rees46.Rees46Input;
import io.cartjourneys.io.rees46.Rees46Reader;
import io.cartjourneys.io.rees46.Rees46Stats;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.loadgen.LoadCounts;
import io.cartjourneys.loadgen.LoadGenerator;
import io.cartjourneys.loadgen.LoadSettings;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
      "Measures the job on a local MiniCluster in this JVM with counting sinks. The matrix part"
          + " replays one input through read (the replay source alone), decode (source and"
          + " ingest decoder) and full (the whole job); the scale part runs the full job on"
          + " generated inputs of growing size, the rees46 part on a REES46 file, and the latency"
          + " part in live mode on a local Kafka broker.",
      "Writes results.csv, cpu-by-task.csv, state-by-task.csv, scaling.csv, latency.csv and"
          + " results.md to --out, and PNG plots when the plot script and matplotlib are"
          + " available."
    })
public class BenchCommand implements Callable<Integer> {
  @Option(names = "--input", paramLabel = "DIR",
      description = "Directory with events.jsonl and optionally profiles.jsonl, links.jsonl,"
          + " feedback.jsonl, for the mode, backend and parallelism runs. Default: generate"
          + " 20,000 persons over 2 days with --seed in --work-dir.")
  Path input;

  @Option(names = "--parts", split = ",", defaultValue = "matrix,scale,rees46,latency",
      description = "What to run: matrix (every mode, backend and parallelism on --input),"
          + " scale (the full job on generated inputs of --scale-persons persons), rees46 (the"
          + " full job on the --rees46 file, when given), latency (due-to-topic latency in live"
          + " mode on a local Kafka broker) (default: ${DEFAULT-VALUE}).")
  List<String> parts;

  @Option(names = "--latency-seconds", defaultValue = "60",
      description = "Input time whose commands the latency part measures, after a 40 s"
          + " warm-up (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-rate", defaultValue = "200",
      description = "Events per second in the latency part (default: ${DEFAULT-VALUE}).")
  int latencyRate;

  @Option(names = "--quick",
      description = "A run of a few minutes: one repetition, the heap backend only, scale runs"
          + " of 10,000 and 100,000 persons, and at most 30 s of latency measurement.")
  boolean quick;

  @Option(names = "--scale-persons", split = ",", defaultValue = "10000,100000,1000000",
      description = "Persons of each generated input of the scale runs (default:"
          + " ${DEFAULT-VALUE}).")
  List<Integer> scalePersons;

  @Option(names = "--scale-days", defaultValue = "1",
      description = "Days of activity of the scale inputs (default: ${DEFAULT-VALUE}).")
  int scaleDays;

  @Option(names = "--seed", defaultValue = "42",
      description = "Random seed of every generated input (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--rees46", paramLabel = "FILE",
      description = "REES46 clickstream CSV (plain or gzip) to replay through the full job; see"
          + " docs/rees46.md for where to download it.")
  Path rees46;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where generated inputs are kept and reused, and temporary state goes"
          + " (default: cart-journeys-bench in the system temporary directory).")
  Path workDir;

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
    if (workDir == null) {
      workDir = Path.of(System.getProperty("java.io.tmpdir"), "cart-journeys-bench");
    }
    if (quick) {
      repeat = 1;
      backends = List.of("hashmap");
      scalePersons = List.of(10_000, 100_000);
      latencySeconds = Math.min(latencySeconds, 30);
    }
    for (String part : parts) {
      if (!List.of("matrix", "scale", "rees46", "latency").contains(part)) {
        System.err.println(
            "bench: unknown part '" + part + "'; use matrix, scale, rees46 or latency");
        return 2;
      }
    }
    if (input == null && parts.contains("matrix")) {
      input = generated(20_000, 2).dir();
    }
    if (input != null && !Files.isReadable(input.resolve(LoadGenerator.EVENTS))) {
      System.err.println("bench: missing " + input.resolve(LoadGenerator.EVENTS));
      return 2;
    }
    if (rees46 != null && !Files.isReadable(rees46)) {
      System.err.println("bench: cannot read the REES46 file " + rees46);
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
    Files.createDirectories(out);
    Path tmp = workDir.resolve("tmp");
    Instant started = Instant.now();

    List<BenchResult> results = new ArrayList<>();
    if (parts.contains("matrix")) {
      List<BenchCase> cases = cases(parsedModes);
      ReplayInput replay = replayInput(input);
      for (BenchCase c : cases) {
        System.out.printf("[%d/%d] %s run %d ...%n", results.size() + 1, cases.size(),
            c.configuration(), c.run());
        BenchResult r = BenchRunner.run(c, jobConfig, replay, interval, flinkOptions, tmp);
        results.add(r);
        printResult(r);
        BenchReport.writeCsv(out, results); // keep what was measured if a later run fails
      }
    }

    List<ScaleReport.Run> scaleRuns = new ArrayList<>();
    if (parts.contains("scale")) {
      if (results.isEmpty() && !scalePersons.isEmpty()) {
        // Without the matrix runs before them, the first scale run would pay for JIT compilation.
        System.out.println("[scale] warm-up run, not reported ...");
        BenchRunner.run(new BenchCase(BenchCase.Mode.FULL, "hashmap", 1, 0, 0), jobConfig,
            replayInput(generated(scalePersons.get(0), scaleDays).dir()), interval, flinkOptions,
            tmp);
      }
      for (int persons : scalePersons) {
        Generated g = generated(persons, scaleDays);
        for (int p : parallelisms) {
          BenchCase c = new BenchCase(BenchCase.Mode.FULL, "hashmap", p, 0, 1);
          System.out.printf(Locale.ROOT, "[scale] %,d persons, %s ...%n", persons,
              c.configuration());
          BenchResult r = BenchRunner.run(
              c, jobConfig, replayInput(g.dir()), interval, flinkOptions, tmp, true);
          scaleRuns.add(
              new ScaleReport.Run("generated", persons, g.counts().knownPersons, scaleDays, r));
          printResult(r);
          ScaleReport.writeCsv(out, scaleRuns);
        }
      }
    }
    if (parts.contains("rees46") && rees46 != null) {
      Rees46Stats stats;
      try (Rees46Reader reader = Rees46Reader.open(rees46, ZoneOffset.UTC)) {
        stats = reader.drain(bytes -> {});
      }
      Rees46Input reesInput = new Rees46Input(rees46, ZoneOffset.UTC, stats.recordsEmitted());
      for (int p : parallelisms) {
        BenchCase c = new BenchCase(BenchCase.Mode.FULL, "hashmap", p, 0, 1);
        System.out.printf("[rees46] %s, %s ...%n", rees46.getFileName(), c.configuration());
        BenchResult r =
            BenchRunner.run(c, jobConfig, reesInput, interval, flinkOptions, tmp, true);
        scaleRuns.add(
            new ScaleReport.Run("rees46", stats.customers(), stats.customers(), 0, r));
        printResult(r);
        ScaleReport.writeCsv(out, scaleRuns);
      }
    }

    List<LiveLatency.Result> latencies = new ArrayList<>();
    if (parts.contains("latency")) {
      for (LiveLatency.Variant v : latencyVariants()) {
        System.out.printf("[latency] %s, %d s measured ...%n", v.label(), latencySeconds);
        LiveLatency.Result r = LiveLatency.run(v);
        latencies.add(r);
        System.out.printf(Locale.ROOT, "        %d commands, p50 %.0f ms, p99 %.0f ms%n",
            r.commands(), r.p50(), r.p99());
        writeLatencyCsv(latencies);
      }
    }

    deleteIfEmpty(tmp);
    List<String> plots = noPlots ? List.of() : plot();
    BenchReport.writeMarkdown(out, results, scaleRuns, LiveLatency.markdown(latencies),
        header(interval, jobConfig, started), plots);
    System.out.println("results in " + out.resolve(BenchReport.RESULTS_MD));
    return 0;
  }

  /**
   * The job's defaults, then a watermark lag of 0 and a 10 ms network buffer timeout, which show
   * what the pipeline itself adds. Both at the largest --parallelism.
   */
  private List<LiveLatency.Variant> latencyVariants() throws IOException {
    Duration warmUp = Duration.ofSeconds(40);
    Duration measured = Duration.ofSeconds(latencySeconds);
    JobConfig defaults = settings.load();
    JobConfig fast = settings.load();
    fast.time.watermarkLag = Duration.ZERO;
    int parallelism = parallelisms.stream().mapToInt(Integer::intValue).max().orElse(1);
    defaults.runtime.parallelism = parallelism;
    fast.runtime.parallelism = parallelism;
    Map<String, String> fastFlink = new LinkedHashMap<>(flinkOptions);
    fastFlink.put("execution.buffer-timeout.interval", "10ms");
    return List.of(
        new LiveLatency.Variant(
            "defaults", defaults, flinkOptions, latencyRate, warmUp, measured),
        new LiveLatency.Variant(
            "lag 0, buffer timeout 10ms", fast, fastFlink, latencyRate, warmUp, measured));
  }

  private void writeLatencyCsv(List<LiveLatency.Result> latencies) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("variant,watermark_lag_ms,events_per_s,events_sent,commands,p50_ms,p90_ms,p99_ms,"
        + "max_ms,load_avg_before,load_avg_after");
    for (LiveLatency.Result r : latencies) {
      lines.add(String.format(Locale.ROOT, "\"%s\",%d,%d,%d,%d,%.1f,%.1f,%.1f,%.1f,%.2f,%.2f",
          r.variant().label(), r.variant().config().time.watermarkLag.toMillis(),
          r.variant().eventsPerSecond(), r.eventsSent(), r.commands(), r.p50(), r.p90(), r.p99(),
          r.max(), r.loadAverageBefore(), r.loadAverageAfter()));
    }
    Files.write(out.resolve("latency.csv"), lines);
  }

  private static void printResult(BenchResult r) {
    System.out.printf(Locale.ROOT,
        "        %,.0f records/s, %.1f µs CPU/record, %.1f s processing, %.1f s wall,"
            + " peak heap %.0f MiB%n",
        r.recordsPerSecond(), r.cpuMicrosPerRecord(), r.processingSeconds(), r.wallSeconds(),
        r.peakHeapUsed() / 1048576.0);
  }

  private static ReplayInput replayInput(Path dir) {
    return new ReplayInput()
        .with(SourceKind.PROFILES, existing(dir.resolve(LoadGenerator.PROFILES)))
        .with(SourceKind.LINKS, existing(dir.resolve(LoadGenerator.LINKS)))
        .with(SourceKind.EVENTS, existing(dir.resolve(LoadGenerator.EVENTS)))
        .with(SourceKind.FEEDBACK, existing(dir.resolve(LoadGenerator.FEEDBACK)));
  }

  /** A generated input directory and its counts. */
  private record Generated(Path dir, LoadCounts counts) {}

  /**
   * Returns a generated input of {@code persons} and {@code days} with {@link #seed}, reusing one
   * that an earlier bench left in the work directory: the generator gives the same files for the
   * same settings.
   */
  private Generated generated(int persons, int days) throws IOException {
    Path dir = workDir.resolve("input-" + persons + "p-" + days + "d-seed" + seed);
    Path manifest = dir.resolve(LoadGenerator.MANIFEST);
    ObjectMapper json = new ObjectMapper();
    if (Files.exists(manifest)) {
      JsonNode counts = json.readTree(manifest.toFile()).path("counts");
      LoadCounts c = json.treeToValue(counts, LoadCounts.class);
      System.out.println("reusing generated input " + dir);
      return new Generated(dir, c);
    }
    System.out.printf(Locale.ROOT, "generating %,d persons over %d days in %s ...%n", persons,
        days, dir);
    LoadSettings s = new LoadSettings(persons, days, seed, LoadSettings.DEFAULT_START,
        0.2, 0.4, 0.3, 0.005, 0.002);
    return new Generated(dir, LoadGenerator.generate(s, dir));
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
        + " to a local directory (aligned; full snapshots on the heap backend, incremental on"
        + " RocksDB)"));
    lines.add("Watermark lag: " + Durations.format(jobConfig.time.watermarkLag));
    if (!flinkOptions.isEmpty()) {
      lines.add("Flink options: " + flinkOptions);
    }
    if (input != null && parts.contains("matrix")) {
      lines.add("Input of the mode, backend and parallelism runs: "
          + input.toAbsolutePath().normalize() + manifestSummary());
    }
    if (parts.contains("scale")) {
      lines.add(String.format(Locale.ROOT,
          "Scale inputs: generated with seed %d, %d day(s) of activity, persons %s",
          seed, scaleDays, scalePersons));
    }
    if (parts.contains("rees46") && rees46 != null) {
      lines.add("REES46 input: " + rees46.getFileName() + " (profiles in UTC)");
    }
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
    // The script's output goes to a file and is printed from here, because output written straight
    // to this JVM's stdout bypasses System.out, which a test runner may have replaced.
    Path log = out.resolve("plot.log");
    Process p = new ProcessBuilder(python.toString(), plotScript.toString(), out.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    boolean finished = p.waitFor(2, TimeUnit.MINUTES);
    if (!finished) {
      p.destroy();
    }
    System.out.print(Files.readString(log));
    if (!finished) {
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
