package io.cartjourneys.cli;

import io.cartjourneys.config.ConfigLoader;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.config.Option;
import io.cartjourneys.config.Options;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Validates settings without running the job and prints every effective value with its source. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Checks settings from --config, CJ_* environment variables and --set, then prints every"
          + " setting's effective value and where it came from.",
      "Exits with 2 and lists every problem when a setting is invalid."
    })
public class ConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigOptions settings;

  @Override
  public Integer call() throws Exception {
    ConfigLoader loader = settings.loader(System.getenv());
    JobConfig config = loader.load();
    Map<String, String> origins = loader.origins();
    PrintWriter out = spec.commandLine().getOut();
    int width = 0;
    for (Option o : Options.all()) {
      width = Math.max(width, o.key().length());
    }
    for (Option o : Options.all()) {
      String value = o.format(o.get(config));
      out.printf(
          "%-" + width + "s  %s  (%s)%n",
          o.key(),
          value.isEmpty() ? "(unset)" : value,
          origins.getOrDefault(o.key(), "default"));
    }
    for (String warning : config.warnings()) {
      spec.commandLine().getErr().println("warning: " + warning);
    }
    out.flush();
    return 0;
  }
}
