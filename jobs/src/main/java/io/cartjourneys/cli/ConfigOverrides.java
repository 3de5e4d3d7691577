package io.cartjourneys.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cartjourneys.config.JobConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Applies {@code --set key=value} overrides on top of the job's YAML file. A key is the dotted path
 * of a setting as it is written in the file ({@code kafka.bootstrap-servers}); a value is a YAML
 * scalar or flow list. Everything after {@code kafka.properties.} is one client property name,
 * since Kafka property names contain dots themselves.
 */
final class ConfigOverrides {
  private static final String KAFKA_PROPERTIES = "kafka.properties.";

  private ConfigOverrides() {}

  /** Loads defaults, then the file if given, then the overrides, and validates the result. */
  static JobConfig load(Path file, Map<String, String> overrides) throws IOException {
    JobConfig config = JobConfig.load(file);
    if (overrides.isEmpty()) {
      return config;
    }
    // Merge into nested sections instead of replacing them, so that an override of one key keeps
    // the file's other keys in the same section.
    ObjectMapper mapper = JobConfig.yamlMapper().setDefaultMergeable(true);
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      put(tree, e.getKey().trim(), parseValue(mapper, e.getValue()));
    }
    try {
      mapper.readerForUpdating(config).readValue(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Invalid --set override: " + e.getOriginalMessage(), e);
    }
    config.validate();
    return config;
  }

  private static void put(ObjectNode tree, String key, JsonNode value) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("--set needs key=value, the key is missing");
    }
    String[] path;
    if (key.startsWith(KAFKA_PROPERTIES) && key.length() > KAFKA_PROPERTIES.length()) {
      path = new String[] {"kafka", "properties", key.substring(KAFKA_PROPERTIES.length())};
    } else {
      path = key.split("\\.");
    }
    ObjectNode node = tree;
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode child = node.get(path[i]);
      if (child == null) {
        node = node.putObject(path[i]);
      } else if (child.isObject()) {
        node = (ObjectNode) child;
      } else {
        throw new IllegalArgumentException("--set " + key + " conflicts with another --set");
      }
    }
    node.set(path[path.length - 1], value);
  }

  private static JsonNode parseValue(ObjectMapper mapper, String value) throws IOException {
    if (value == null || value.isBlank()) {
      return TextNode.valueOf(value == null ? "" : value);
    }
    JsonNode node = mapper.readTree(value);
    return node == null || node.isMissingNode() ? TextNode.valueOf(value) : node;
  }
}
