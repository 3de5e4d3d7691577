package io.cartjourneys.cli;

import io.cartjourneys.config.Durations;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.inspect.DecisionTimeline;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints what the decisions stream records about one customer, in time order. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a timeline of every decision about one customer: outcome, reason, step, channel,"
          + " journey, command and facts, with times in UTC.",
      "Reads a decisions.jsonl file of a replay, or, when --decisions is not an existing file, a"
          + " Kafka topic of Avro Decision records from its earliest offsets to its end offsets.",
      "Exits with 1 when the customer has no decisions."
    })
public class ExplainCommand implements Callable<Integer> {
  /** Characters Kafka allows in a topic name. */
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  @Spec CommandSpec spec;

  @Option(names = "--customer", paramLabel = "ID", required = true, description = "Customer id.")
  String customer;

  @Option(
      names = "--decisions",
      paramLabel = "FILE_OR_TOPIC",
      required = true,
      description = "decisions.jsonl (plain or gzip) or the name of a Kafka topic.")
  String decisions;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description =
          "Kafka brokers (default: kafka.bootstrap-servers of --config, or 127.0.0.1:9092).")
  String bootstrapServers;

  /** Settings; their kafka.properties (such as security settings) apply to the reader. */
  @Mixin ConfigOptions settings;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "Also print each time in this IANA time zone, such as Asia/Kolkata.")
  ZoneId zone;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      description = "Maximum time to read a topic to its end (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    Path file = Path.of(decisions);
    DecisionTimeline.Timeline timeline;
    String source;
    if (Files.isRegularFile(file)) {
      source = decisions;
      timeline = DecisionTimeline.fromFile(file, customer);
    } else if (!TOPIC.matcher(decisions).matches() || decisions.endsWith(".jsonl")) {
      err.println("explain: file not found: " + decisions);
      return 2;
    } else {
      Duration limit;
      try {
        limit = Durations.parse(timeout);
      } catch (IllegalArgumentException e) {
        err.println("explain: invalid --timeout: " + e.getMessage());
        return 2;
      }
      JobConfig cfg = settings.load();
      String servers = bootstrapServers != null ? bootstrapServers : cfg.kafka.bootstrapServers;
      source = "topic " + decisions + " at " + servers;
      try {
        timeline =
            DecisionTimeline.fromKafka(servers, cfg.kafka.properties, decisions, customer, limit);
      } catch (IllegalArgumentException | TimeoutException | KafkaException e) {
        err.println("explain: reading " + source + " failed: " + e.getMessage());
        return 2;
      }
    }
    if (timeline.skipped() > 0) {
      err.printf(
          "explain: skipped %d records of %s that are not decisions%n", timeline.skipped(), source);
    }
    if (timeline.entries().isEmpty()) {
      err.printf(
          "explain: no decisions for customer %s in %s (%d decisions read)%n",
          customer, source, timeline.read());
      return 1;
    }
    DecisionTimeline.print(timeline, zone, out);
    return 0;
  }
}
