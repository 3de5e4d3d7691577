package io.cartjourneys.cli;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.rees46.Rees46Reader;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.io.replay.ReplaySavepoint;
import io.cartjourneys.io.replay.ReplaySinks;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.core.execution.SavepointFormatType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Replays JSON Lines input files through the job graph in pure event time. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replays input files through the job in event time and writes push.jsonl, email.jsonl,"
          + " decisions.jsonl, conversions.jsonl and dead-letters.jsonl.",
      "Files interleave by record time; the same files give the same outputs.",
      "With --rees46, the input is a REES46 e-commerce clickstream CSV instead: every user becomes"
          + " an authenticated web customer with a synthesized CRM profile that consents to email"
          + " and push."
    })
public class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--events", paramLabel = "FILE", description = "Behaviour events (JSON Lines).")
  Path events;

  @Option(names = "--profiles", paramLabel = "FILE", description = "CRM profiles (JSON Lines).")
  Path profiles;

  @Option(names = "--links", paramLabel = "FILE", description = "Identity links (JSON Lines).")
  Path links;

  @Option(names = "--feedback", paramLabel = "FILE", description = "Delivery feedback (JSON Lines).")
  Path feedback;

  @Option(
      names = "--rees46",
      paramLabel = "FILE",
      description = "REES46 clickstream CSV, plain or gzip, in place of the JSON Lines inputs.")
  Path rees46;

  @Option(
      names = "--time-zone",
      paramLabel = "ZONE",
      defaultValue = "UTC",
      description =
          "IANA time zone of the synthesized REES46 profiles, which places their quiet hours"
              + " (default: ${DEFAULT-VALUE}).")
  ZoneId timeZone;

  @Option(names = "--no-progress", description = "Do not draw progress bars on stderr.")
  boolean noProgress;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory.")
  Path out;

  @Mixin ConfigOptions settings;

  @Option(names = "--parallelism", description = "Same as --set runtime.parallelism=N.")
  Integer parallelism;

  @Option(
      names = "--savepoint",
      paramLabel = "DIR",
      description =
          "Keep the job running after the last record and stop it with a savepoint in DIR, for"
              + " inspect-savepoint. No final watermark: timers due after the last record time"
              + " less the watermark lag stay in the savepoint, as in a live job.")
  Path savepoint;

  @Option(
      names = "--savepoint-format",
      paramLabel = "FORMAT",
      defaultValue = "canonical",
      description =
          "canonical (readable with any state backend) or native (default: ${DEFAULT-VALUE}).")
  String savepointFormat;

  @Override
  public Integer call() throws Exception {
    if (parallelism != null) {
      settings.overrides.add("runtime.parallelism=" + parallelism);
    }
    JobConfig cfg = settings.load();

    PrintStream err = System.err;
    boolean jsonLines = events != null || profiles != null || links != null || feedback != null;
    if (rees46 != null) {
      if (jsonLines) {
        err.println(
            "replay: --rees46 cannot be combined with --events, --profiles, --links or"
                + " --feedback");
        return 2;
      }
      if (savepoint != null) {
        err.println("replay: --savepoint works with the JSON Lines inputs only, not with --rees46");
        return 2;
      }
      return replayRees46(cfg);
    }
    if (!jsonLines) {
      err.println(
          "replay: give at least one of --events, --profiles, --links, --feedback, or --rees46");
      return 2;
    }
    for (Path p : new Path[] {events, profiles, links, feedback}) {
      if (p != null && !Files.isReadable(p)) {
        err.println("replay: cannot read " + p);
        return 2;
      }
    }
    ReplayInput input =
        new ReplayInput()
            .with(SourceKind.PROFILES, profiles)
            .with(SourceKind.LINKS, links)
            .with(SourceKind.EVENTS, events)
            .with(SourceKind.FEEDBACK, feedback);

    SavepointFormatType format;
    try {
      format = SavepointFormatType.valueOf(savepointFormat.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      err.println(
          "replay: invalid --savepoint-format '" + savepointFormat + "'; use canonical or native");
      return 2;
    }

    long started = System.nanoTime();
    String savepointPath = null;
    if (savepoint == null) {
      ReplayRunner.run(cfg, input, out);
    } else {
      savepointPath = ReplaySavepoint.run(cfg, input, out, savepoint, format);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    PrintStream o = System.out;
    o.printf("replayed %d records in %.1f s%n", input.count(), seconds);
    if (savepointPath != null) {
      o.printf("  savepoint (%s)  %s%n", format.name().toLowerCase(Locale.ROOT), savepointPath);
    }
    o.printf("  push commands   %6d  %s%n", lines(ReplaySinks.PUSH), out.resolve(ReplaySinks.PUSH));
    o.printf("  email commands  %6d  %s%n", lines(ReplaySinks.EMAIL), out.resolve(ReplaySinks.EMAIL));
    o.printf("  decisions       %6d  %s%n", lines(ReplaySinks.DECISIONS), out.resolve(ReplaySinks.DECISIONS));
    o.printf("  conversions     %6d  %s%n", lines(ReplaySinks.CONVERSIONS), out.resolve(ReplaySinks.CONVERSIONS));
    o.printf("  dead letters    %6d  %s%n", lines(ReplaySinks.DEAD_LETTERS), out.resolve(ReplaySinks.DEAD_LETTERS));
    return 0;
  }

  private int replayRees46(JobConfig cfg) throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isReadable(rees46)) {
      err.println("replay: cannot read " + rees46);
      return 2;
    }
    try {
      Rees46Reader.open(rees46, timeZone).close();
    } catch (IOException e) {
      err.println("replay: " + rees46 + ": " + e.getMessage());
      return 2;
    }
    Rees46Replay replay =
        new Rees46Replay(rees46, out, timeZone, cfg, noProgress ? null : System.err);
    replay.run().print(spec.commandLine().getOut());
    return 0;
  }

  private long lines(String file) throws IOException {
    Path p = out.resolve(file);
    if (!Files.exists(p)) {
      return 0;
    }
    try (Stream<String> s = Files.lines(p)) {
      return s.filter(l -> !l.isBlank()).count();
    }
  }
}
