package io.cartjourneys.cli;

/** Runs the command line in this JVM, as {@code main} would, but returns the exit code. */
public final class CliRunner {
  private CliRunner() {}

  public static int run(String... args) {
    return CartJourneysCli.commandLine().execute(args);
  }
}
