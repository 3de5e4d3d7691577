package io.cartjourneys.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings that differ from their defaults, with where each came from, as lines for the
 * start-up log and the {@code config} command. Sensitive maps show their entry names only.
 */
public final class ConfigSummary {
  private ConfigSummary() {}

  /** Lists one line per setting that is not at its default: {@code key = value (source)}. */
  public static List<String> changed(JobConfig config, Map<String, String> origins) {
    List<String> lines = new ArrayList<>();
    for (Option o : Options.all()) {
      Object value = o.get(config);
      if (Objects.equals(value, o.defaultValue())) {
        continue;
      }
      String origin = origins.getOrDefault(o.key(), "code");
      lines.add(o.key() + " = " + o.format(value) + " (" + origin + ")");
    }
    return lines;
  }
}
