package io.cartjourneys.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the jar: {@code replay}, {@code demo} and {@code run}, plus {@code generate} and
 * {@code bench} for load tests.
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
      GenerateCommand.class,
      BenchCommand.class
    })
public class CartJourneysCli implements Runnable {

  public static void main(String[] args) {
    int code = new CommandLine(new CartJourneysCli()).execute(args);
    System.exit(code);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
