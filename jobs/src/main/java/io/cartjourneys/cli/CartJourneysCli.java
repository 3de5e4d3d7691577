package io.cartjourneys.cli;

import io.cartjourneys.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the jar: {@code replay}, {@code demo}, {@code run}, {@code config}, the analyst
 * tools {@code inspect-savepoint} and {@code explain}, and {@code generate} and {@code bench} for
 * load tests.
 */
@Command(
    name = "cart-journeys",
    mixinStandardHelpOptions = true,
    version = "cart-journeys 0.1.0",
    description = "Stitches identities, detects abandoned carts and emits push and email commands.",
    subcommands = {
      ReplayCommand.class,
      DemoCommand.class,
      RunCommand.class,
      ConfigCommand.class,
      InspectSavepointCommand.class,
      ExplainCommand.class,
      GenerateCommand.class,
      BenchCommand.class
    })
public class CartJourneysCli implements Runnable {
  /** Exit code for invalid settings, as for other usage errors. */
  static final int INVALID_SETTINGS = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its handlers, for main and for tests. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new CartJourneysCli());
    // Invalid settings are a usage error: print the problems, not a stack trace.
    cli.setExecutionExceptionHandler(
        (e, command, parseResult) -> {
          if (e instanceof ConfigException) {
            command.getErr().println(command.getCommandName() + ": " + e.getMessage());
            return INVALID_SETTINGS;
          }
          throw e;
        });
    return cli;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
