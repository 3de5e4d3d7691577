package io.cartjourneys.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", description = "Not built yet.")
public class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
