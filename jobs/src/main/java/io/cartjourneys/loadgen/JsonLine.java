package io.cartjourneys.loadgen;

/**
 * Builds one JSON object as a single line. The generator writes millions of small records, and
 * a plain builder is several times faster than a general JSON library for that. Field names are
 * constants of the input contract, so only values are escaped.
 */
final class JsonLine {
  private final StringBuilder out = new StringBuilder(256);
  private boolean first = true;

  JsonLine() {
    out.append('{');
  }

  JsonLine field(String name, String value) {
    if (value == null) {
      return this;
    }
    name(name);
    quote(value);
    return this;
  }

  JsonLine field(String name, boolean value) {
    name(name);
    out.append(value);
    return this;
  }

  JsonLine field(String name, long value) {
    name(name);
    out.append(value);
    return this;
  }

  JsonLine field(String name, double value) {
    name(name);
    out.append(value);
    return this;
  }

  /** Appends a value that is already valid JSON, such as a nested object or an array. */
  JsonLine raw(String name, String json) {
    name(name);
    out.append(json);
    return this;
  }

  String end() {
    out.append('}');
    return out.toString();
  }

  private void name(String name) {
    if (!first) {
      out.append(',');
    }
    first = false;
    out.append('"').append(name).append("\":");
  }

  private void quote(String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** Builds a JSON array of quoted strings. */
  static String stringArray(String... values) {
    JsonLine tmp = new JsonLine();
    tmp.out.setLength(0);
    tmp.out.append('[');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        tmp.out.append(',');
      }
      tmp.quote(values[i]);
    }
    tmp.out.append(']');
    return tmp.out.toString();
  }
}
