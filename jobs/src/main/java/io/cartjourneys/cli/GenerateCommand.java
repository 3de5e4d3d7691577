package io.cartjourneys.cli;

import io.cartjourneys.loadgen.LoadCounts;
import io.cartjourneys.loadgen.LoadGenerator;
import io.cartjourneys.loadgen.LoadSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a synthetic, deterministic input set for load tests and benchmarks. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes synthetic input files (profiles.jsonl, events.jsonl, links.jsonl, an empty"
          + " feedback.jsonl) and manifest.json with the counts.",
      "The same options and seed give byte-identical files. Memory use depends on the arrival"
          + " rate, not on the total, so millions of events are fine."
    })
public class GenerateCommand implements Callable<Integer> {
  @Option(
      names = "--persons",
      required = true,
      description = "Number of shoppers, known and anonymous.")
  int persons;

  @Option(
      names = "--days",
      required = true,
      description = "Days of activity (UTC days from --start).")
  int days;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory.")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--start",
      defaultValue = "2026-03-02T00:00:00Z",
      description = "First instant of activity, ISO-8601 UTC (default: ${DEFAULT-VALUE}).")
  Instant start;

  @Option(
      names = "--anonymous-share",
      defaultValue = "0.2",
      description =
          "Share of persons who never log in and have no CRM profile, 0..1"
              + " (default: ${DEFAULT-VALUE}).")
  double anonymousShare;

  @Option(
      names = "--app-share",
      defaultValue = "0.4",
      description =
          "Share of known persons who also use the mobile app, 0..1 (default: ${DEFAULT-VALUE}).")
  double appShare;

  @Option(
      names = "--purchase-share",
      defaultValue = "0.3",
      description = "Share of carts that end in a purchase, 0..1 (default: ${DEFAULT-VALUE}).")
  double purchaseShare;

  @Option(
      names = "--duplicate-share",
      defaultValue = "0.005",
      description = "Share of events sent twice, 0..1 (default: ${DEFAULT-VALUE}).")
  double duplicateShare;

  @Option(
      names = "--malformed-share",
      defaultValue = "0.002",
      description =
          "Share of events followed by an undecodable line, 0..1 (default: ${DEFAULT-VALUE}).")
  double malformedShare;

  @Override
  public Integer call() throws Exception {
    LoadSettings settings;
    try {
      settings =
          new LoadSettings(
              persons,
              days,
              seed,
              start,
              anonymousShare,
              appShare,
              purchaseShare,
              duplicateShare,
              malformedShare);
    } catch (IllegalArgumentException e) {
      System.err.println("generate: " + e.getMessage());
      return 2;
    }

    long started = System.nanoTime();
    LoadCounts c = LoadGenerator.generate(settings, out);

    double seconds = (System.nanoTime() - started) / 1e9;
    PrintStream o = System.out;
    o.printf("generated %d lines in %.1f s into %s%n", c.lines(), seconds, out);
    o.printf("  profiles    %9d  (%d erasures)%n", c.profiles, c.erasures);
    o.printf("  events      %9d  (%d out of order, %d in late batches)%n",
        c.events, c.outOfOrder, c.lateBatched);
    o.printf("  duplicates  %9d%n", c.duplicates);
    o.printf("  malformed   %9d%n", c.malformed);
    o.printf("  links       %9d%n", c.links);
    o.printf("  sessions    %9d  carts %d, purchases %d, logins %d%n",
        c.sessions, c.carts, c.purchases, c.logins);
    return 0;
  }
}
