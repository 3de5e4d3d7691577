package io.cartjourneys.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "replay", description = "Not built yet.")
public class ReplayCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
