package io.cartjourneys.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.cli.CartJourneysCli;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.io.replay.ReplayInput;
import io.cartjourneys.io.replay.ReplayRunner;
import io.cartjourneys.model.SourceKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Replays the ananya story and explains customer k-1001 from its decisions.jsonl. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainITCase {
  @TempDir static Path out;

  private Path decisions;

  @BeforeAll
  void replay() throws Exception {
    Path story = Path.of(getClass().getResource("/scenarios/ananya").toURI());
    ReplayRunner.run(
        new JobConfig(),
        new ReplayInput()
            .with(SourceKind.PROFILES, story.resolve("profiles.jsonl"))
            .with(SourceKind.LINKS, story.resolve("links.jsonl"))
            .with(SourceKind.EVENTS, story.resolve("events.jsonl")),
        out);
    decisions = out.resolve("decisions.jsonl");
  }

  @Test
  void timelineListsTheStoryInTimeOrder() {
    Run run = explain("--customer", "k-1001", "--decisions", decisions.toString());

    assertThat(run.code).isZero();
    List<String> headlines =
        run.out.lines().filter(l -> l.startsWith("2026-")).toList();
    assertThat(headlines)
        .containsExactly(
            "2026-03-14T16:11:00Z  ENTERED",
            "2026-03-14T16:11:00Z  SENT step 1 PUSH",
            "2026-03-14T16:11:00Z  DEFERRED quiet-hours step 2 EMAIL",
            "2026-03-15T02:30:00Z  SENT step 2 EMAIL");
    assertThat(run.out)
        .startsWith(
            "customer k-1001: 4 decisions, 1 journey, 2026-03-14T16:11:00Z to"
                + " 2026-03-15T02:30:00Z")
        .contains("deliver_after=2026-03-15T02:30:00Z")
        .contains("template=cart-abandoned-follow-up")
        .containsPattern("command \\S+\\.s1")
        .doesNotContain("@");
  }

  @Test
  void zoneAddsLocalTimes() {
    Run run =
        explain(
            "--customer", "k-1001", "--decisions", decisions.toString(), "--zone", "Asia/Kolkata");

    assertThat(run.code).isZero();
    assertThat(run.out)
        .contains("2026-03-14T16:11:00Z (2026-03-14 21:41 Asia/Kolkata)  SENT step 1 PUSH")
        .contains("2026-03-15T02:30:00Z (2026-03-15 08:00 Asia/Kolkata)  SENT step 2 EMAIL");
  }

  @Test
  void unknownCustomerExitsWithOne() {
    Run run = explain("--customer", "k-none", "--decisions", decisions.toString());

    assertThat(run.code).isEqualTo(1);
    assertThat(run.out).isEmpty();
    assertThat(run.err).contains("no decisions for customer k-none").contains("4 decisions read");
  }

  @Test
  void missingFileExitsWithTwo() {
    String missing = out.resolve("nothing/decisions.jsonl").toString();

    Run run = explain("--customer", "k-1001", "--decisions", missing);

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("file not found: " + missing);
  }

  private record Run(int code, String out, String err) {}

  private static Run explain(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] full = new String[args.length + 1];
    full[0] = "explain";
    System.arraycopy(args, 0, full, 1, args.length);
    int code =
        new CommandLine(new CartJourneysCli())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(full);
    return new Run(code, out.toString(), err.toString());
  }
}
