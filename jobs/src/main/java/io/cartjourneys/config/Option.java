package io.cartjourneys.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One setting of {@link JobConfig}: its dotted key, type, default, unit, allowed range and
 * description. The key is the section field and the setting field in kebab-case, so {@code
 * Journey.recencyLimit} is {@code journey.recency-limit}.
 */
public final class Option {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The value types a setting may have. */
  public enum Type {
    DURATION("duration"),
    TIME_OF_DAY("time of day"),
    TIME_ZONE("time zone"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    TEXT("text"),
    TEXT_LIST("list of text"),
    TEXT_MAP("map of text");

    private final String label;

    Type(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final String key;
  private final Field section;
  private final Field field;
  private final Type type;
  private final Doc doc;
  private final Object defaultValue;

  Option(Field section, Field field, Object defaultValue) {
    this.section = section;
    this.field = field;
    this.key = kebab(section.getName()) + "." + kebab(field.getName());
    this.type = typeOf(field);
    this.doc = field.getAnnotation(Doc.class);
    if (doc == null) {
      throw new IllegalStateException("setting " + key + " has no @Doc description");
    }
    this.defaultValue = defaultValue;
  }

  public String key() {
    return key;
  }

  /** Returns the section part of the key, such as {@code journey}. */
  public String section() {
    return key.substring(0, key.indexOf('.'));
  }

  /** Returns the setting part of the key, such as {@code recency-limit}. */
  public String name() {
    return key.substring(key.indexOf('.') + 1);
  }

  public Type type() {
    return type;
  }

  public String description() {
    return doc.value();
  }

  /** Returns the unit of a number setting, or empty. */
  public String unit() {
    return doc.unit();
  }

  public boolean optional() {
    return doc.optional();
  }

  public boolean sensitive() {
    return doc.sensitive();
  }

  public Object defaultValue() {
    return defaultValue;
  }

  /**
   * Returns the environment variable that overrides this setting: {@code CJ_} and the key in upper
   * case with dots and dashes as underscores. Map settings have none, because their entry names
   * contain dots.
   */
  public String environmentVariable() {
    if (type == Type.TEXT_MAP) {
      return null;
    }
    return ConfigLoader.ENV_PREFIX
        + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Describes the accepted values in words, such as {@code 0 to 100}, or returns empty. */
  public String allowedText() {
    if (doc.allowed().length > 0) {
      return "one of " + String.join(", ", doc.allowed());
    }
    boolean hasMin = !doc.min().isEmpty();
    boolean hasMax = !doc.max().isEmpty();
    if (hasMin && hasMax) {
      return doc.min() + " to " + doc.max();
    }
    if (hasMin) {
      return "at least " + doc.min();
    }
    if (hasMax) {
      return "at most " + doc.max();
    }
    return switch (type) {
      case TEXT -> optional() ? "" : "not empty";
      case TIME_ZONE -> "IANA zone id";
      case TIME_OF_DAY -> "HH:mm";
      case BOOLEAN -> "true or false";
      default -> "";
    };
  }

  public Object get(JobConfig config) {
    try {
      return field.get(section.get(config));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + key, e);
    }
  }

  public void set(JobConfig config, Object value) {
    try {
      field.set(section.get(config), value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot write " + key, e);
    }
  }

  /**
   * Parses a value written as text, as on the command line, in an environment variable or as a YAML
   * scalar.
   *
   * @throws IllegalArgumentException with a message that states what is accepted, without the key
   */
  public Object parse(String text) {
    if (text == null) {
      // YAML null (an empty value or ~): an empty list or map, or unset where that is allowed.
      return switch (type) {
        case TEXT_LIST -> new ArrayList<String>();
        case TEXT_MAP -> new LinkedHashMap<String, String>();
        default -> {
          if (optional()) {
            yield null;
          }
          throw new IllegalArgumentException("a value is required");
        }
      };
    }
    String t = text.trim();
    switch (type) {
      case DURATION -> {
        try {
          return Durations.parse(t);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "invalid duration '"
                  + text
                  + "'; use a number and a unit (ms, s, m, h, d) such as"
                  + " 30m, or ISO-8601 such as PT30M");
        }
      }
      case TIME_OF_DAY -> {
        try {
          return LocalTime.parse(t);
        } catch (DateTimeException e) {
          throw new IllegalArgumentException(
              "invalid time of day '" + text + "'; use HH:mm such as 22:00");
        }
      }
      case TIME_ZONE -> {
        try {
          return ZoneId.of(t);
        } catch (DateTimeException e) {
          throw new IllegalArgumentException(
              "unknown time zone '" + text + "'; use an IANA zone id such as Asia/Kolkata or UTC");
        }
      }
      case INTEGER -> {
        try {
          return Integer.parseInt(t);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("invalid integer '" + text + "'");
        }
      }
      case NUMBER -> {
        try {
          double d = Double.parseDouble(t);
          if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new NumberFormatException();
          }
          return d;
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("invalid number '" + text + "'");
        }
      }
      case BOOLEAN -> {
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("invalid boolean '" + text + "'; use true or false");
      }
      case TEXT -> {
        return text;
      }
      case TEXT_LIST -> {
        return parseList(t);
      }
      case TEXT_MAP ->
          throw new IllegalArgumentException(
              "a map is set one entry at a time, as " + key + ".NAME=VALUE");
      default -> throw new IllegalStateException("unhandled type " + type);
    }
  }

  /** Null when the value is acceptable, else the problem, starting with the key. */
  public String check(Object value) {
    if (value == null) {
      return optional() ? null : key + ": a value is required";
    }
    if (type == Type.TEXT) {
      String s = (String) value;
      if (s.isBlank()) {
        return optional() ? null : key + ": a value is required";
      }
      if (doc.allowed().length > 0 && !Arrays.asList(doc.allowed()).contains(s)) {
        return key + ": '" + s + "' is not allowed; use " + allowedText();
      }
      return null;
    }
    if (doc.min().isEmpty() && doc.max().isEmpty()) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Comparable<Object> v = (Comparable<Object>) value;
    boolean below = !doc.min().isEmpty() && v.compareTo(parse(doc.min())) < 0;
    boolean above = !doc.max().isEmpty() && v.compareTo(parse(doc.max())) > 0;
    if (below || above) {
      return key + ": " + format(value) + " is out of range; allowed " + allowedText();
    }
    return null;
  }

  /** Writes a value the way a setting is written in YAML or on the command line. */
  public String format(Object value) {
    if (value == null) {
      return "";
    }
    return switch (type) {
      case DURATION -> Durations.format((Duration) value);
      case NUMBER -> {
        double d = (Double) value;
        yield d == Math.rint(d) && Math.abs(d) < 1e15
            ? Long.toString((long) d)
            : Double.toString(d);
      }
      case TEXT_LIST -> "[" + String.join(", ", castList(value)) + "]";
      case TEXT_MAP -> {
        @SuppressWarnings("unchecked")
        Map<String, String> m = (Map<String, String>) value;
        yield m.isEmpty() ? "{}" : m.keySet().toString();
      }
      default -> value.toString();
    };
  }

  public String defaultText() {
    return format(defaultValue);
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object value) {
    return (List<String>) value;
  }

  /** Parses a YAML flow list such as {@code [a, b]}, or comma-separated values. */
  private static List<String> parseList(String text) {
    List<String> result = new ArrayList<>();
    if (text.startsWith("[")) {
      try {
        JsonNode node = YAML.readTree(text);
        if (node != null && node.isArray()) {
          node.forEach(n -> result.add(n.asText()));
          return result;
        }
      } catch (JsonProcessingException e) {
        // fall through: reported below
      }
      throw new IllegalArgumentException("invalid list '" + text + "'; use a,b or [a, b]");
    }
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        result.add(part.trim());
      }
    }
    return result;
  }

  private static Type typeOf(Field f) {
    Class<?> c = f.getType();
    if (c == Duration.class) {
      return Type.DURATION;
    }
    if (c == LocalTime.class) {
      return Type.TIME_OF_DAY;
    }
    if (c == ZoneId.class) {
      return Type.TIME_ZONE;
    }
    if (c == int.class || c == Integer.class) {
      return Type.INTEGER;
    }
    if (c == double.class || c == Double.class) {
      return Type.NUMBER;
    }
    if (c == boolean.class || c == Boolean.class) {
      return Type.BOOLEAN;
    }
    if (c == String.class) {
      return Type.TEXT;
    }
    if (List.class.isAssignableFrom(c) && elementIsString(f)) {
      return Type.TEXT_LIST;
    }
    if (Map.class.isAssignableFrom(c) && elementIsString(f)) {
      return Type.TEXT_MAP;
    }
    throw new IllegalStateException(
        "setting "
            + f.getDeclaringClass().getSimpleName()
            + "."
            + f.getName()
            + " has a type the options model cannot parse: "
            + f.getGenericType());
  }

  private static boolean elementIsString(Field f) {
    if (!(f.getGenericType() instanceof ParameterizedType p)) {
      return false;
    }
    return Arrays.stream(p.getActualTypeArguments()).allMatch(t -> t == String.class);
  }

  /** {@code recencyLimit} to {@code recency-limit}. */
  static String kebab(String camel) {
    StringBuilder b = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        b.append('-').append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return key;
  }
}
