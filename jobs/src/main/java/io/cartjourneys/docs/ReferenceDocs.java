package io.cartjourneys.docs;

import io.cartjourneys.config.Option;
import io.cartjourneys.config.Options;
import io.cartjourneys.metrics.JobMetric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the reference pages that must match the code: docs/configuration.md and
 * deploy/config/example.yaml from the options model, and the metrics table inside
 * docs/observability.md from {@link JobMetric}. Tests compare the committed files with this output;
 * run {@link #main} to rewrite them.
 */
public final class ReferenceDocs {
  public static final String CONFIGURATION = "docs/configuration.md";
  public static final String EXAMPLE_YAML = "deploy/config/example.yaml";
  public static final String OBSERVABILITY = "docs/observability.md";
  public static final String METRICS_START = "<!-- metrics table: generated, do not edit -->";
  public static final String METRICS_END = "<!-- end of metrics table -->";

  /** The command that rewrites every generated file, for failure messages. */
  public static final String REGENERATE =
      "./mvnw -B -o -q -DskipTests package && java -cp jobs/target/cart-journeys.jar "
          + ReferenceDocs.class.getName()
          + " .";

  private static final int COMMENT_WIDTH = 78;

  private ReferenceDocs() {}

  /** Rewrites the generated files under the repository root given as the only argument. */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    write(root.resolve(CONFIGURATION), configurationMarkdown());
    write(root.resolve(EXAMPLE_YAML), exampleYaml());
    Path observability = root.resolve(OBSERVABILITY);
    write(observability, withMetricsTable(Files.readString(observability)));
    System.out.println("wrote " + CONFIGURATION + ", " + EXAMPLE_YAML + ", " + OBSERVABILITY);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ configuration.md

  public static String configurationMarkdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Configuration reference\n\n");
    b.append("<!-- Generated from the @Doc annotations in JobConfig by ")
        .append(ReferenceDocs.class.getName())
        .append(". Do not edit: a test fails when this page differs from the code. -->\n\n");
    b.append(
        """
        Every setting has a default, so the job runs without any configuration. Settings come from
        these sources, each overriding the ones before it:

        1. the defaults on this page;
        2. the YAML file given with `--config FILE`, with one block per section as in
           [deploy/config/example.yaml](../deploy/config/example.yaml);
        3. environment variables named `CJ_` and the key in upper case with dots and dashes as
           underscores, such as `CJ_JOURNEY_INACTIVITY=45m` (map settings have none);
        4. `--set KEY=VALUE` options, such as `--set journey.inactivity=45m` or
           `--set kafka.properties.security.protocol=SASL_SSL`, applied in order.

        The `replay` command takes `--config` and `--set`. `cart-journeys config` with the same
        options validates the settings and prints every effective value with its source, without
        running the job.

        At start the job checks every source and stops with one line per problem, each naming the
        key and what it accepts, for example
        `unknown setting journey.inactivty; did you mean journey.inactivity?` or
        `journey.holdout-percent: 140 is out of range; allowed 0 to 100`. It then logs the settings
        that differ from the defaults, and a warning for each risky value.

        Value formats:

        - duration: a number and a unit, `ms`, `s`, `m`, `h` or `d` (`500ms`, `30m`, `7d`), `0`, or
          ISO-8601 (`PT30M`);
        - time of day: `HH:mm`, quoted in YAML (`"22:00"`);
        - time zone: an IANA zone id such as `Asia/Kolkata` or `UTC`;
        - list of text: a YAML list; on the command line `a,b` or `[a, b]`;
        - map of text: a YAML map; on the command line one `--set section.key.NAME=VALUE` per entry.
        """);
    for (Options.Section s : Options.sections()) {
      b.append("\n## ").append(s.name()).append("\n\n");
      b.append(s.description()).append("\n\n");
      b.append("| key | type | default | allowed | meaning |\n");
      b.append("|---|---|---|---|---|\n");
      for (Option o : s.options()) {
        String type = o.type().label() + (o.unit().isEmpty() ? "" : " (" + o.unit() + ")");
        String def = o.defaultText().isEmpty() ? "unset" : "`" + o.defaultText() + "`";
        b.append("| `")
            .append(o.key())
            .append("` | ")
            .append(type)
            .append(" | ")
            .append(def)
            .append(" | ")
            .append(o.allowedText())
            .append(" | ")
            .append(o.description().replace("|", "\\|"))
            .append(" |\n");
      }
    }
    return b.toString();
  }

  // ------------------------------------------------------------------ example.yaml

  public static String exampleYaml() {
    StringBuilder b = new StringBuilder();
    b.append("# Every setting of cart-journeys at its default value. Copy the file, keep only\n");
    b.append("# what you change, and pass it with --config. Reference: docs/configuration.md.\n");
    b.append("# Generated by ").append(ReferenceDocs.class.getName()).append("; do not edit.\n");
    for (Options.Section s : Options.sections()) {
      b.append("\n");
      comment(b, "", s.description());
      b.append(s.name()).append(":\n");
      for (Option o : s.options()) {
        String allowed = o.allowedText();
        String type = o.type().label() + (o.unit().isEmpty() ? "" : ", " + o.unit());
        comment(
            b,
            "  ",
            o.description() + " (" + type + (allowed.isEmpty() ? "" : "; " + allowed) + ")");
        b.append("  ").append(o.name()).append(": ").append(yamlValue(o)).append("\n");
      }
    }
    return b.toString();
  }

  private static String yamlValue(Option o) {
    Object value = o.defaultValue();
    if (value == null) {
      return "null";
    }
    return switch (o.type()) {
      case TEXT, TIME_OF_DAY, TIME_ZONE -> quote(o.format(value));
      case TEXT_LIST -> {
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) value;
        List<String> quoted = new ArrayList<>();
        list.forEach(v -> quoted.add(quote(v)));
        yield "[" + String.join(", ", quoted) + "]";
      }
      case TEXT_MAP -> {
        if (!((java.util.Map<?, ?>) value).isEmpty()) {
          throw new IllegalStateException(o.key() + ": non-empty default maps are not rendered");
        }
        yield "{}";
      }
      default -> o.format(value);
    };
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Appends text as YAML comment lines wrapped at {@link #COMMENT_WIDTH} columns. */
  private static void comment(StringBuilder b, String indent, String text) {
    StringBuilder line = new StringBuilder(indent + "#");
    for (String word : text.split(" ")) {
      if (line.length() + 1 + word.length() > COMMENT_WIDTH
          && line.length() > indent.length() + 1) {
        b.append(line).append("\n");
        line = new StringBuilder(indent + "#");
      }
      line.append(' ').append(word);
    }
    b.append(line).append("\n");
  }

  // ------------------------------------------------------------------ observability.md

  public static String metricsTable() {
    StringBuilder b = new StringBuilder();
    b.append("| metric | type | labels | unit | stage (operator uid) | meaning |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (JobMetric m : JobMetric.values()) {
      b.append("| `")
          .append(m.metricName())
          .append("` | ")
          .append(m.kind().name().toLowerCase(java.util.Locale.ROOT))
          .append(" | ")
          .append(m.labels().isEmpty() ? "" : "`" + String.join("`, `", m.labels()) + "`")
          .append(" | ")
          .append(m.unit())
          .append(" | ")
          .append(m.stages())
          .append(" | ")
          .append(m.description())
          .append(" |\n");
    }
    return b.toString();
  }

  /** Replaces the text between the metrics markers of the page with the current table. */
  public static String withMetricsTable(String page) {
    int start = page.indexOf(METRICS_START);
    int end = page.indexOf(METRICS_END);
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          OBSERVABILITY + " needs the lines " + METRICS_START + " and " + METRICS_END);
    }
    return page.substring(0, start + METRICS_START.length())
        + "\n\n"
        + metricsTable()
        + "\n"
        + page.substring(end);
  }
}
