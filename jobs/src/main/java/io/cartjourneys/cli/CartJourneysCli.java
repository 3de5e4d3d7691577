package io.cartjourneys.cli;

import io.cartjourneys.config.ConfigException;
import org.apache.flink.util.FlinkUserCodeClassLoader;
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

  /**
   * Runs a command. Started with {@code java -jar}, it ends the JVM with the command's exit code.
   * Inside Flink (a job submitted through the REST API, {@code flink run}, or application mode on
   * Kubernetes) it returns instead, or throws on failure: there the main method runs in a
   * JobManager or client process that must go on, and a REST submission returns as soon as the
   * job is submitted.
   */
  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (!runsInsideFlink(CartJourneysCli.class.getClassLoader())) {
      System.exit(code);
    }
    if (code != 0) {
      throw new IllegalStateException(
          "cart-journeys " + String.join(" ", args) + " exited with code " + code
              + "; see the messages above");
    }
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

  /** Flink loads a submitted job jar with a user-code class loader of its own. */
  static boolean runsInsideFlink(ClassLoader loader) {
    return loader instanceof FlinkUserCodeClassLoader;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
