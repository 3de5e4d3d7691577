package io.cartjourneys.cli;

import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.config.Durations;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.demo.CommandPrinter;
import io.cartjourneys.demo.CommittedOutputReader;
import io.cartjourneys.demo.Crowd;
import io.cartjourneys.demo.InputPublisher;
import io.cartjourneys.demo.InputRecord;
import io.cartjourneys.demo.StoryInputs;
import io.cartjourneys.io.kafka.KafkaIo;
import io.cartjourneys.io.kafka.LocalKafka;
import io.cartjourneys.model.SourceKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the whole pipeline on this machine, with a Kafka broker and a Flink cluster in this JVM. It
 * writes the Ananya story and a synthetic crowd to the input topics as Avro, runs the job with
 * exactly-once Kafka sinks, and prints the push and email commands as a gateway reads them.
 *
 * <p>The story happened on 14 March 2026, so its follow-up timers lie in event time that no live
 * input will reach. The demo therefore reads each input partition up to the offset that was latest
 * when the job started (a bounded Kafka source) instead of publishing a far-future clock record. At
 * the end of input the final watermark fires every remaining timer and the final checkpoint commits
 * the last Kafka transactions, so the job ends by itself with all its output committed. A clock
 * record would instead leave the job running, and the demo would have to guess when the output was
 * complete. The sources, sinks and graph are the same as in {@code run}, and only the end of input
 * differs. Checkpoints every 2 seconds make committed commands appear soon after they are produced.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts Kafka and Flink in this JVM, sends the Ananya story and a synthetic crowd through "
          + "Kafka, and prints the push and email commands the job sends.",
      "Uses ports on 127.0.0.1 only."
    })
public class DemoCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
  private static final int INPUT_PARTITIONS = 2;
  private static final int OUTPUT_PARTITIONS = 2;
  private static final Duration POLL = Duration.ofMillis(500);

  @Spec CommandSpec spec;

  @Option(
      names = "--people",
      defaultValue = "50",
      description = "Number of synthetic shoppers besides Ananya (default: ${DEFAULT-VALUE}).")
  int people;

  @Option(
      names = "--seed",
      defaultValue = "20260314",
      description = "Seed of the synthetic crowd. The same seed gives the same input.")
  long seed;

  @Option(
      names = "--timeout",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "Give up and stop the job after this long, e.g. 90s or 5m (default: 5m).")
  Duration timeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    long deadline = System.nanoTime() + timeout.toNanos();
    JobConfig config = demoConfig();
    try (LocalKafka kafka = LocalKafka.start()) {
      config.kafka.bootstrapServers = kafka.bootstrapServers();
      kafka.createTopics(topics(config.kafka));

      List<InputRecord> inputs = new ArrayList<>(StoryInputs.load(StoryInputs.ANANYA));
      inputs.addAll(Crowd.generate(seed, people));
      // Each partition is filled in the order things happened, as it would be live. Records
      // behind their partition's watermark would otherwise count as late.
      inputs.sort(Comparator.comparing(InputRecord::timestamp));
      InputPublisher.publish(config.kafka, inputs);
      out.printf(
          "Kafka at %s: wrote %s to the input topics as Avro.%n",
          kafka.bootstrapServers(), describe(inputs));
      out.println("Running the job (parallelism 2, exactly-once, checkpoints every 2s)...");
      out.println("Commands as a gateway reads them (read_committed):");
      out.flush();

      JobClient job = startJob(config);
      try {
        return printOutputs(out, config.kafka, job, deadline) ? 0 : 1;
      } finally {
        if (!job.getJobExecutionResult().isDone()) {
          cancel(job);
        }
      }
    }
  }

  /**
   * Prints commands as they become visible until the job has ended and every committed record is
   * read, or until the deadline.
   *
   * @return whether the job finished successfully and all its output was read in time
   */
  private boolean printOutputs(PrintWriter out, JobConfig.Kafka kafka, JobClient job, long deadline)
      throws Exception {
    CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
    Map<String, Integer> commands = new TreeMap<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    Map<String, Integer> deadLetters = new TreeMap<>();
    try (CommittedOutputReader reader =
        new CommittedOutputReader(
            kafka,
            List.of(
                kafka.pushTopic, kafka.emailTopic, kafka.decisionsTopic, kafka.deadLettersTopic))) {
      while (System.nanoTime() < deadline) {
        boolean ended = result.isDone();
        List<ConsumerRecord<byte[], byte[]>> records = reader.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (r.topic().equals(kafka.pushTopic) || r.topic().equals(kafka.emailTopic)) {
            EngagementCommand command = EngagementCommand.getDecoder().decode(r.value());
            commands.merge(command.getChannel().name(), 1, Integer::sum);
            out.println("  " + CommandPrinter.line(command));
            out.flush();
          } else if (r.topic().equals(kafka.decisionsTopic)) {
            outcomes.merge(
                Decision.getDecoder().decode(r.value()).getOutcome().name(), 1, Integer::sum);
          } else {
            deadLetters.merge(
                DeadLetter.getDecoder().decode(r.value()).getReason(), 1, Integer::sum);
          }
        }
        // The job has committed everything once it has ended, so an empty poll after the end
        // that leaves every partition at its last stable offset means the output is complete.
        if (ended && records.isEmpty() && reader.caughtUp()) {
          return reportEnd(out, result, commands, outcomes, deadLetters);
        }
      }
    }
    out.printf(
        "Timed out after %s, stopping the job. Rerun with a longer --timeout.%n",
        Durations.format(timeout));
    LOG.warn("Demo timed out after {}", timeout);
    return false;
  }

  private static boolean reportEnd(
      PrintWriter out,
      CompletableFuture<JobExecutionResult> result,
      Map<String, Integer> commands,
      Map<String, Integer> outcomes,
      Map<String, Integer> deadLetters) {
    try {
      result.get();
    } catch (ExecutionException e) {
      out.println("The job failed: " + e.getCause());
      LOG.error("Demo job failed", e.getCause());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    out.printf("Commands: %s%n", commands.isEmpty() ? "none" : commands);
    out.printf("Decisions by outcome: %s%n", outcomes.isEmpty() ? "none" : outcomes);
    out.printf("Dead letters by reason: %s%n", deadLetters.isEmpty() ? "none" : deadLetters);
    out.println("Done.");
    out.flush();
    return true;
  }

  /** Default job settings with the demo's cluster size and a short checkpoint interval. */
  static JobConfig demoConfig() {
    JobConfig config = new JobConfig();
    config.kafka.groupId = "cart-journeys-demo";
    config.kafka.transactionalIdPrefix = "cart-journeys-demo";
    config.runtime.parallelism = 2;
    config.runtime.checkpointInterval = Duration.ofSeconds(2);
    config.runtime.stateBackend = "hashmap";
    config.validate();
    return config;
  }

  private static Map<String, Integer> topics(JobConfig.Kafka kafka) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    for (SourceKind kind : SourceKind.values()) {
      topics.put(KafkaIo.inputTopic(kafka, kind), INPUT_PARTITIONS);
    }
    for (String output :
        List.of(
            kafka.pushTopic,
            kafka.emailTopic,
            kafka.decisionsTopic,
            kafka.conversionsTopic,
            kafka.deadLettersTopic)) {
      topics.put(output, OUTPUT_PARTITIONS);
    }
    return topics;
  }

  private static JobClient startJob(JobConfig config) throws Exception {
    Configuration conf = JobEnvironment.loopbackOnly(new Configuration());
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(config.runtime.parallelism, conf);
    RunCommand.build(env, config, Boundedness.BOUNDED);
    JobClient job = env.executeAsync("cart-journeys demo");
    LOG.info("Started demo job {}", job.getJobID());
    return job;
  }

  private static void cancel(JobClient job) {
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
      job.getJobExecutionResult().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Cancelling demo job {} failed", job.getJobID(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String describe(List<InputRecord> inputs) {
    Map<SourceKind, Integer> counts = new EnumMap<>(SourceKind.class);
    for (InputRecord r : inputs) {
      counts.merge(r.source(), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((kind, count) -> parts.add(count + " " + kind.label()));
    return String.join(", ", parts);
  }

  /** Reads durations such as {@code 90s} or {@code 5m}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value);
    }
  }
}
