package io.cartjourneys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo command run in-process, as a user runs it from the jar. */
class DemoCommandITCase {

  @Test
  void demoPrintsStoryCommands() {
    StringWriter output = new StringWriter();
    int exitCode =
        new CommandLine(new CartJourneysCli())
            .setOut(new PrintWriter(output, true))
            .setErr(new PrintWriter(output, true))
            .execute("demo", "--people", "20", "--timeout", "4m");

    String printed = output.toString();
    assertThat(exitCode).as(printed).isZero();
    assertThat(printed)
        .containsPattern(
            "PUSH +k-1001 +tok-(\u2026|\\.\\.\\.) +deliver after 2026-03-14 21:41"
                + " \\+05:30 Asia/Kolkata +step 1 +skus SHOE-123")
        .containsPattern(
            "EMAIL +k-1001 +a\\*\\*\\*@example\\.com +deliver after 2026-03-15 08:00"
                + " \\+05:30 Asia/Kolkata +step 2 +skus SHOE-123")
        .contains("Dead letters by reason: {invalid-json=1, unrecognised-encoding=1}")
        .doesNotContain("ananya@example.com")
        .doesNotContain("tok-ananya-1");
  }
}
