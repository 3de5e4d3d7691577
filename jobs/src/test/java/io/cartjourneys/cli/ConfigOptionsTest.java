package io.cartjourneys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The --config and --set options as the command line parses them, and their error output. */
class ConfigOptionsTest {
  @TempDir Path dir;

  @Test
  void replayRejectsUnknownSettingBeforeRunning() {
    Result r =
        run(
            "replay",
            "--events",
            dir.resolve("none.jsonl").toString(),
            "--out",
            dir.toString(),
            "--set",
            "journey.inactivty=45m");
    // Settings are checked before the input files, so the message names the setting.
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err)
        .contains("replay: unknown setting journey.inactivty; did you mean journey.inactivity?");
    assertThat(r.err).doesNotContain("Exception");
  }

  @Test
  void configCommandPrintsEffectiveValuesAndSources() {
    Result r = run("config", "--set", "journey.inactivity=45m", "--set", "runtime.parallelism=2");
    assertThat(r.code).isZero();
    assertThat(r.out).containsPattern("journey\\.inactivity +45m +\\(--set\\)");
    assertThat(r.out).containsPattern("journey\\.follow-up-delay +4h +\\(default\\)");
    assertThat(r.out).containsPattern("runtime\\.checkpoint-directory +\\(unset\\) +\\(default\\)");
  }

  @Test
  void configCommandListsEveryProblem() {
    Result r =
        run("config", "--set", "journey.holdout-percent=140", "--set", "time.watermark-lag=x");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).contains("config: 2 invalid settings:");
    assertThat(r.err).contains("journey.holdout-percent: 140 is out of range; allowed 0 to 100");
    assertThat(r.err).contains("time.watermark-lag: invalid duration 'x'");
  }

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CartJourneysCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
