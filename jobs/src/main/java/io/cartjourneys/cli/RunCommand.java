package io.cartjourneys.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "run", description = "Not built yet.")
public class RunCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
