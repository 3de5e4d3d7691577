package io.cartjourneys.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link JobConfig} from its sources, each overriding the ones before: the defaults, a
 * YAML file, environment variables named {@code CJ_SECTION_SETTING}, then {@code KEY=VALUE}
 * overrides from the command line. Every problem in every source is collected and reported at once
 * in a {@link ConfigException}; each names the key, the source and what is accepted.
 */
public final class ConfigLoader {
  /** Prefix of the environment variables that override settings. */
  public static final String ENV_PREFIX = "CJ_";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Path file;
  private Map<String, String> environment = Map.of();
  private List<String> overrides = List.of();
  private final Map<String, String> origins = new TreeMap<>();

  /** Sets the YAML file to read, or null for none. */
  public ConfigLoader file(Path file) {
    this.file = file;
    return this;
  }

  /** Environment variables; only those starting with {@value #ENV_PREFIX} are read. */
  public ConfigLoader environment(Map<String, String> environment) {
    this.environment = environment;
    return this;
  }

  /** Overrides written as {@code section.setting=value}, applied last, in order. */
  public ConfigLoader overrides(List<String> overrides) {
    this.overrides = overrides;
    return this;
  }

  /**
   * Reads every source and validates the result.
   *
   * @throws ConfigException listing every invalid or unknown setting
   * @throws IOException when the file cannot be read
   */
  public JobConfig load() throws IOException {
    JobConfig config = new JobConfig();
    List<String> problems = new ArrayList<>();
    if (file != null) {
      readFile(config, problems);
    }
    readEnvironment(config, problems);
    readOverrides(config, problems);
    for (Option o : Options.all()) {
      String problem = o.check(o.get(config));
      if (problem != null) {
        problems.add(problem + from(o.key()));
      }
    }
    config.checkValues(problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /** Returns where each setting that is not at its default came from, by key. */
  public Map<String, String> origins() {
    return origins;
  }

  private void readFile(JobConfig config, List<String> problems) throws IOException {
    String source = "file " + file;
    if (!Files.isReadable(file)) {
      problems.add(source + ": not found or not readable");
      return;
    }
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      problems.add(source + ": invalid YAML: " + e.getOriginalMessage());
      return;
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return; // an empty file keeps every default
    }
    if (!root.isObject()) {
      problems.add(source + ": expected sections such as 'journey:' at the top level");
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> s = root.fields(); s.hasNext(); ) {
      Map.Entry<String, JsonNode> section = s.next();
      JsonNode settings = section.getValue();
      if (!settings.isObject()) {
        String key = section.getKey();
        problems.add(unknownOrMisplaced(key, source));
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> e = settings.fields(); e.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = e.next();
        String key = section.getKey() + "." + entry.getKey();
        Option o = Options.find(key);
        if (o == null) {
          problems.add(unknown(key, source));
          continue;
        }
        applyYaml(config, o, entry.getValue(), source, problems);
      }
    }
  }

  private void applyYaml(
      JobConfig config, Option o, JsonNode value, String source, List<String> problems) {
    try {
      if (o.type() == Option.Type.TEXT_MAP) {
        Map<String, String> map = new LinkedHashMap<>();
        if (!value.isNull()) {
          if (!value.isObject()) {
            throw new IllegalArgumentException("expected a map of NAME: VALUE entries");
          }
          value.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        o.set(config, map);
      } else if (o.type() == Option.Type.TEXT_LIST && value.isArray()) {
        List<String> list = new ArrayList<>();
        value.forEach(v -> list.add(v.asText()));
        o.set(config, list);
      } else if (value.isContainerNode()) {
        throw new IllegalArgumentException("expected a single value, found a list or map");
      } else {
        o.set(config, o.parse(value.isNull() ? null : value.asText()));
      }
      origins.put(o.key(), source);
    } catch (IllegalArgumentException e) {
      problems.add(o.key() + ": " + e.getMessage() + " (" + source + ")");
    }
  }

  private void readEnvironment(JobConfig config, List<String> problems) {
    Map<String, Option> byVariable = new TreeMap<>();
    for (Option o : Options.all()) {
      if (o.environmentVariable() != null) {
        byVariable.put(o.environmentVariable(), o);
      }
    }
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      String variable = e.getKey();
      if (!variable.startsWith(ENV_PREFIX)) {
        continue;
      }
      String source = "environment variable " + variable;
      Option o = byVariable.get(variable);
      if (o == null) {
        String guess = Options.closest(variable, byVariable.keySet());
        problems.add(
            "unknown setting in environment variable "
                + variable
                + (guess == null ? "" : "; did you mean " + guess + "?"));
        continue;
      }
      apply(config, o, e.getValue(), source, problems);
    }
  }

  private void readOverrides(JobConfig config, List<String> problems) {
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        problems.add("--set " + override + ": expected KEY=VALUE, such as journey.inactivity=45m");
        continue;
      }
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1);
      Option o = Options.find(key);
      if (o == null) {
        Option map = mapOption(key);
        if (map != null) {
          putMapEntry(config, map, key.substring(map.key().length() + 1), value);
          continue;
        }
        problems.add(unknown(key, "--set"));
        continue;
      }
      apply(config, o, value, "--set", problems);
    }
  }

  private void apply(
      JobConfig config, Option o, String text, String source, List<String> problems) {
    try {
      o.set(config, o.parse(text));
      origins.put(o.key(), source);
    } catch (IllegalArgumentException e) {
      problems.add(o.key() + ": " + e.getMessage() + " (" + source + ")");
    }
  }

  /** Finds the map setting that a key such as {@code kafka.properties.security.protocol} is in. */
  private static Option mapOption(String key) {
    for (Option o : Options.all()) {
      if (o.type() == Option.Type.TEXT_MAP
          && key.startsWith(o.key() + ".")
          && key.length() > o.key().length() + 1) {
        return o;
      }
    }
    return null;
  }

  private void putMapEntry(JobConfig config, Option o, String name, String value) {
    @SuppressWarnings("unchecked")
    Map<String, String> current = (Map<String, String>) o.get(config);
    // Copy: the map may still be the instance the defaults share.
    Map<String, String> updated = new LinkedHashMap<>(current);
    updated.put(name, value);
    o.set(config, updated);
    origins.put(o.key(), "--set");
  }

  private String from(String key) {
    String origin = origins.get(key);
    return origin == null ? "" : " (" + origin + ")";
  }

  private static String unknown(String key, String source) {
    String guess = Options.suggest(key);
    return "unknown setting "
        + key
        + (guess == null ? "" : "; did you mean " + guess + "?")
        + " ("
        + source
        + ")";
  }

  /** Describes a top-level entry that is not a section: a section given one value, or unknown. */
  private static String unknownOrMisplaced(String key, String source) {
    for (Options.Section s : Options.sections()) {
      if (s.name().equals(key)) {
        return key
            + ": expected a section of settings such as '"
            + s.options().get(0).key()
            + "', found a single value ("
            + source
            + ")";
      }
    }
    return unknown(key, source);
  }
}
