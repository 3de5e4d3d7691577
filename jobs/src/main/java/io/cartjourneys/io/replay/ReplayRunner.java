package io.cartjourneys.io.replay;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.topology.JourneyTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job graph over a finite input on a local cluster in this JVM and writes the five output
 * files. Pure event time: the bounded input ends with a final watermark that fires every timer.
 */
public final class ReplayRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayRunner.class);

  /** How often a running replay reports progress. */
  public static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);

  /** Accumulator that counts the records the source has emitted. */
  static final String RECORDS_READ = "replay-records-read";

  private ReplayRunner() {}

  public static JobExecutionResult run(JobConfig config, RecordIterable input, Path outDir)
      throws Exception {
    return run(config, input, outDir, ReplayProgress.NONE);
  }

  /**
   * Runs the replay and reports progress while the job runs. Returns when the job has read all
   * input and fired its last timers, or throws the job's failure.
   */
  public static JobExecutionResult run(
      JobConfig config, RecordIterable input, Path outDir, ReplayProgress progress)
      throws Exception {
    return run(config, input, outDir, progress, new Configuration());
  }

  /**
   * Runs the replay with extra Flink settings for the local cluster, such as metric reporters
   * ({@code metrics.reporter.NAME.factory.class}).
   */
  public static JobExecutionResult run(
      JobConfig config,
      RecordIterable input,
      Path outDir,
      ReplayProgress progress,
      Configuration flinkSettings)
      throws Exception {
    Configuration conf = new Configuration();
    conf.addAll(flinkSettings);
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    // Without these, the blob server and the task manager services bind every interface.
    conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.HOST, "127.0.0.1");
    // Task managers report accumulators with their heartbeats; the default interval of 10 s
    // would make the progress jump.
    conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    return run(env, config, input, outDir, progress);
  }

  /**
   * Runs the replay on the given environment, such as one bound to a local cluster that a test
   * keeps for many replays. The environment takes its parallelism from the config.
   */
  public static JobExecutionResult run(
      StreamExecutionEnvironment env,
      JobConfig config,
      RecordIterable input,
      Path outDir,
      ReplayProgress progress)
      throws Exception {
    Files.createDirectories(outDir);
    long total = input.count();
    env.setParallelism(config.runtime.parallelism);
    env.setMaxParallelism(config.runtime.maxParallelism);
    DataStream<RawRecord> raw =
        env.fromSource(
                RecordSource.of(input, total), WatermarkStrategy.noWatermarks(), "Replay input")
            .setParallelism(1)
            .uid("replay-source")
            .name("Replay input files")
            .map(new CountRecords())
            .setParallelism(1)
            .uid("replay-progress")
            .name("Count replayed records");
    JourneyTopology.build(config, raw, new ReplaySinks(outDir));
    LOG.info(
        "Replay of {} records started: parallelism {}, output directory {}",
        total,
        config.runtime.parallelism,
        outDir);
    JobClient client = env.executeAsync("cart-journeys replay");
    JobExecutionResult result = awaitResult(client, total, progress);
    LOG.info("Replay finished in {} ms, job {}", result.getNetRuntime(), result.getJobID());
    for (String f :
        List.of(
            ReplaySinks.PUSH,
            ReplaySinks.EMAIL,
            ReplaySinks.DECISIONS,
            ReplaySinks.CONVERSIONS,
            ReplaySinks.DEAD_LETTERS)) {
      sortLines(outDir.resolve(f));
    }
    return result;
  }

  /** Waits for the bounded job to end, polling its record counter in between. */
  private static JobExecutionResult awaitResult(
      JobClient client, long total, ReplayProgress progress) throws Exception {
    CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
    long read = 0;
    while (true) {
      try {
        JobExecutionResult result = done.get(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        Long finalRead = result.getAccumulatorResult(RECORDS_READ);
        progress.update(finalRead == null ? read : finalRead, total);
        return result;
      } catch (TimeoutException e) {
        // A poll may see no counter at all; the count reported never goes back.
        read = Math.max(read, recordsRead(client));
        progress.update(read, total);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }
  }

  /** Returns the job's record counter, or 0 while the counter is not available. */
  private static long recordsRead(JobClient client) throws InterruptedException {
    try {
      Object value =
          client
              .getAccumulators()
              .get(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
              .get(RECORDS_READ);
      return value instanceof Long count ? count : 0;
    } catch (ExecutionException | TimeoutException | IllegalStateException e) {
      // Accumulators are unavailable while the job starts or just after it ended (the local
      // cluster then throws IllegalStateException); the next poll or the final result has them.
      return 0;
    }
  }

  /** Counts the records that pass in the accumulator {@link #RECORDS_READ}. */
  private static final class CountRecords extends RichMapFunction<RawRecord, RawRecord> {
    private static final long serialVersionUID = 1L;
    private transient LongCounter count;

    @Override
    public void open(OpenContext context) {
      count = new LongCounter();
      getRuntimeContext().addAccumulator(RECORDS_READ, count);
    }

    @Override
    public RawRecord map(RawRecord record) {
      count.add(1L);
      return record;
    }
  }

  /**
   * Records reach a sink in an order that depends on parallelism; sorting the lines makes the same
   * input give the same files.
   */
  static void sortLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createFile(file);
      return;
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    Collections.sort(lines);
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
