package io.cartjourneys.cli;

import io.cartjourneys.config.ConfigLoader;
import io.cartjourneys.config.ConfigSummary;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.config.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The {@code --config} and {@code --set} options of every command that runs the job, as a picocli
 * mixin: add {@code @Mixin ConfigOptions settings;} to a command and call {@link #load()}.
 */
public class ConfigOptions {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigOptions.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML settings file; keys it leaves out keep their defaults.")
  Path file;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = {
        "Overrides one setting, such as journey.inactivity=45m or",
        "kafka.properties.security.protocol=SASL_SSL. Repeatable. Applied after the file and",
        "after environment variables such as CJ_JOURNEY_INACTIVITY=45m.",
        "All settings: docs/configuration.md."
      })
  List<String> overrides = new ArrayList<>();

  /**
   * Loads the settings from the defaults, the file, {@code CJ_*} environment variables and the
   * overrides, then logs which settings differ from the defaults and any risky values.
   *
   * @throws io.cartjourneys.config.ConfigException listing every invalid or unknown setting
   */
  public JobConfig load() throws IOException {
    return load(System.getenv());
  }

  JobConfig load(Map<String, String> environment) throws IOException {
    ConfigLoader loader = loader(environment);
    JobConfig config = loader.load();
    List<String> changed = ConfigSummary.changed(config, loader.origins());
    LOG.info("Settings: {} of {} differ from the defaults", changed.size(), Options.all().size());
    for (String line : changed) {
      LOG.info("  {}", line);
    }
    for (String warning : config.warnings()) {
      LOG.warn("Risky setting: {}", warning);
    }
    return config;
  }

  /** Creates a loader with these sources, for commands that show where each value came from. */
  ConfigLoader loader(Map<String, String> environment) {
    return new ConfigLoader().file(file).environment(environment).overrides(overrides);
  }
}
