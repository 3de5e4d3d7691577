package io.cartjourneys.config;

import java.util.List;

/**
 * Settings that cannot be used. The message lists every problem found, one per line, each naming
 * the setting's key and what it accepts, so that one start-up shows all mistakes at once.
 */
public class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  private static String message(List<String> problems) {
    if (problems.size() == 1) {
      return problems.get(0);
    }
    StringBuilder b = new StringBuilder(problems.size() + " invalid settings:");
    for (String p : problems) {
      b.append(System.lineSeparator()).append("  ").append(p);
    }
    return b.toString();
  }
}
