package io.cartjourneys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.rees46.Rees46Input;
import io.cartjourneys.io.rees46.Rees46Reader;
import io.cartjourneys.io.rees46.Rees46Stats;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.io.replay.ReplaySinks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a REES46 clickstream CSV through the job graph on a local cluster and summarises the run.
 * The file is read twice: a first pass counts rows, rejections and the records the source will
 * emit, and the job's source then reads it again in file order. The file must not change in
 * between, because the source stops after the counted number of records.
 */
public final class Rees46Replay {
  private static final Logger LOG = LoggerFactory.getLogger(Rees46Replay.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Outcomes that mean a person entered an abandonment journey (holdout gets no messages). */
  private static final String[] ENTRY_OUTCOMES = {"ENTERED", "HOLDOUT"};

  private final Path csv;
  private final Path outDir;
  private final ZoneId profileTimeZone;
  private final JobConfig config;
  private final PrintStream progressOut;

  /**
   * @param profileTimeZone zone of every synthesized CRM profile, which sets its quiet hours
   * @param progressOut where progress bars are drawn, or null for none
   */
  public Rees46Replay(
      Path csv, Path outDir, ZoneId profileTimeZone, JobConfig config, PrintStream progressOut) {
    this.csv = csv;
    this.outDir = outDir;
    this.profileTimeZone = profileTimeZone;
    this.config = config;
    this.progressOut = progressOut;
  }

  /** Reads the file, runs the job to the end of input and counts its output files. */
  public Summary run() throws Exception {
    long started = System.nanoTime();
    Rees46Stats stats = scan();
    long scanned = System.nanoTime();
    LOG.info(
        "Read {} rows ({} rejected) of {} customers from {}; starting the job",
        stats.rowsRead(),
        stats.rowsRejected(),
        stats.customers(),
        csv);

    Rees46Input input = new Rees46Input(csv, profileTimeZone, stats.recordsEmitted());
    try (ProgressBar bar = progressBar("Replaying", stats.recordsEmitted(), "records", 1)) {
      ReplayRunner.run(
          config,
          input,
          outDir,
          (read, total) -> {
            if (bar != null) {
              bar.stepTo(read);
            }
          });
    }
    long finished = System.nanoTime();
    Summary summary =
        new Summary(
            csv,
            stats,
            countLines(outDir.resolve(ReplaySinks.PUSH)),
            countLines(outDir.resolve(ReplaySinks.EMAIL)),
            countOutcomes(outDir.resolve(ReplaySinks.DECISIONS)),
            countLines(outDir.resolve(ReplaySinks.CONVERSIONS)),
            countLines(outDir.resolve(ReplaySinks.DEAD_LETTERS)),
            Duration.ofNanos(scanned - started),
            Duration.ofNanos(finished - scanned));
    LOG.info(
        "Replay finished in {} ms: {} push and {} email commands",
        summary.wallTime().toMillis(),
        summary.pushCommands(),
        summary.emailCommands());
    return summary;
  }

  /** Reads the whole file once for its counts, with a progress bar over its bytes. */
  private Rees46Stats scan() throws IOException {
    long size = Files.size(csv);
    try (Rees46Reader reader = Rees46Reader.open(csv, profileTimeZone);
        ProgressBar bar = progressBar("Reading CSV", size, "MB", 1 << 20)) {
      return reader.drain(
          bytesRead -> {
            if (bar != null) {
              bar.stepTo(bytesRead);
            }
          });
    }
  }

  private ProgressBar progressBar(String task, long max, String unit, long unitSize) {
    if (progressOut == null) {
      return null;
    }
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUnit(" " + unit, unitSize)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .showSpeed()
        .setConsumer(new ConsoleProgressBarConsumer(progressOut, 100))
        .build();
  }

  private static long countLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long n = 0;
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          n++;
        }
      }
      return n;
    }
  }

  /** Counts decisions per outcome, and per reason within each outcome. */
  private static Map<String, Map<String, Long>> countOutcomes(Path decisions) throws IOException {
    Map<String, Map<String, Long>> outcomes = new TreeMap<>();
    if (!Files.exists(decisions)) {
      return outcomes;
    }
    try (BufferedReader in = Files.newBufferedReader(decisions, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode decision = JSON.readTree(line);
        String outcome = decision.path("outcome").asText("(none)");
        String reason = decision.path("reason").isTextual() ? decision.get("reason").asText() : "";
        outcomes.computeIfAbsent(outcome, o -> new TreeMap<>()).merge(reason, 1L, Long::sum);
      }
    }
    return outcomes;
  }

  /** Counts and timings of one REES46 replay: rows read, decisions and commands written. */
  public record Summary(
      Path input,
      Rees46Stats stats,
      long pushCommands,
      long emailCommands,
      Map<String, Map<String, Long>> decisionsByOutcome,
      long conversions,
      long deadLetters,
      Duration readTime,
      Duration jobTime) {

    public Duration wallTime() {
      return readTime.plus(jobTime);
    }

    /** Returns the number of decisions with the outcome, whatever their reason. */
    public long decisions(String outcome) {
      long n = 0;
      for (long count : decisionsByOutcome.getOrDefault(outcome, Map.of()).values()) {
        n += count;
      }
      return n;
    }

    /** Returns the number of decisions that entered a person into a journey, holdout included. */
    public long journeysEntered() {
      long n = 0;
      for (String outcome : ENTRY_OUTCOMES) {
        n += decisions(outcome);
      }
      return n;
    }

    /** Rows read per second of wall time, both passes over the file included. */
    public long rowsPerSecond() {
      long nanos = Math.max(1, wallTime().toNanos());
      return Math.round(stats.rowsRead() * 1e9 / nanos);
    }

    /**
     * Prints one {@code label: value} line per figure. Every rejection reason and every decision
     * outcome seen is listed, so that scripts can read the numbers.
     */
    public void print(PrintWriter out) {
      out.println("REES46 replay of " + input.getFileName());
      line(out, "rows read", stats.rowsRead());

      line(out, "rows rejected", stats.rowsRejected());
      for (Rees46Reader.Rejection reason : Rees46Reader.Rejection.values()) {
        line(out, "  " + reason.label(), stats.rejected(reason));
      }

      line(out, "rows accepted", stats.rowsAccepted());
      for (Map.Entry<String, Long> e : stats.eventsByType().entrySet()) {
        line(out, "  " + e.getKey(), e.getValue());
      }

      line(out, "customers", stats.customers());
      line(out, "customers with a cart", stats.customersWithCart());
      line(out, "cart episodes", stats.cartEpisodes());

      long decisions = 0;
      for (String outcome : decisionsByOutcome.keySet()) {
        decisions += decisions(outcome);
      }
      line(out, "decisions", decisions);
      for (Map.Entry<String, Map<String, Long>> e : decisionsByOutcome.entrySet()) {
        line(out, "  " + e.getKey(), decisions(e.getKey()));
        for (Map.Entry<String, Long> reason : e.getValue().entrySet()) {
          if (!reason.getKey().isEmpty()) {
            line(out, "    " + e.getKey() + " " + reason.getKey(), reason.getValue());
          }
        }
      }

      line(out, "journeys entered", journeysEntered());
      line(out, "push commands", pushCommands);
      line(out, "email commands", emailCommands);
      line(out, "conversions", conversions);
      line(out, "dead letters", deadLetters);

      out.printf(
          "%-30s %.1f s (reading %.1f s, job %.1f s)%n",
          "wall time:",
          wallTime().toMillis() / 1000.0,
          readTime.toMillis() / 1000.0,
          jobTime.toMillis() / 1000.0);
      line(out, "rows per second", rowsPerSecond());
      out.flush();
    }

    private static void line(PrintWriter out, String label, long value) {
      out.printf("%-30s %d%n", label + ":", value);
    }
  }
}
