package io.cartjourneys.bench;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.ingest.IngestFunction;
import io.cartjourneys.io.replay.RecordIterable;
import io.cartjourneys.io.replay.RecordSource;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import io.cartjourneys.topology.JourneyTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one benchmark case on a fresh MiniCluster in this JVM and measures it. The cluster is built
 * here rather than through a local environment so that the checkpoint statistics of the finished
 * job can be read from its archived execution graph.
 */
public final class BenchRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BenchRunner.class);

  /** Managed memory of the one task manager, where RocksDB puts its block cache and buffers. */
  public static final MemorySize MANAGED_MEMORY = MemorySize.ofMebiBytes(256);

  /** Longest wait for the source to reach its last record, and for the checkpoint there. */
  private static final Duration END_CHECKPOINT_WAIT = Duration.ofMinutes(60);

  private BenchRunner() {}

  /**
   * Runs one case. Sets {@code config.runtime.parallelism} to the case's parallelism.
   *
   * @param checkpointInterval zero to run without checkpoints
   * @param flinkOptions Flink configuration set last, over the bench's own settings
   * @param workDir parent of the temporary RocksDB and checkpoint directories, which are deleted
   */
  public static BenchResult run(
      BenchCase c,
      JobConfig config,
      RecordIterable input,
      Duration checkpointInterval,
      Map<String, String> flinkOptions,
      Path workDir)
      throws Exception {
    return run(c, config, input, checkpointInterval, flinkOptions, workDir, false);
  }

  /**
   * As {@link #run(BenchCase, JobConfig, RecordIterable, Duration, Map, Path)}.
   *
   * @param endCheckpoint hold the last input record until a checkpoint of the job's state at the
   *     end of the input has completed, and report that checkpoint's size; the hold is left out
   *     of the processing time
   */
  public static BenchResult run(
      BenchCase c,
      JobConfig config,
      RecordIterable input,
      Duration checkpointInterval,
      Map<String, String> flinkOptions,
      Path workDir,
      boolean endCheckpoint)
      throws Exception {
    Path tmp = Files.createTempDirectory(Files.createDirectories(workDir), "run-");
    try {
      return runIn(c, config, input, checkpointInterval, flinkOptions, tmp, endCheckpoint);
    } finally {
      deleteTree(tmp);
    }
  }

  private static BenchResult runIn(
      BenchCase c,
      JobConfig config,
      RecordIterable input,
      Duration checkpointInterval,
      Map<String, String> flinkOptions,
      Path tmp,
      boolean endCheckpoint)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
    conf.set(StateBackendOptions.STATE_BACKEND, c.backend());
    if (c.backend().equals("rocksdb")) {
      conf.set(RocksDBOptions.LOCAL_DIRECTORIES, tmp.resolve("rocksdb").toString());
      // As the job's own settings do (JobEnvironment): checkpoints upload only new SST files.
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    }
    if (!checkpointInterval.isZero() || endCheckpoint) {
      // Without periodic checkpoints, an interval of a day still lets the bench trigger one.
      conf.set(
          CheckpointingOptions.CHECKPOINTING_INTERVAL,
          checkpointInterval.isZero() ? Duration.ofDays(1) : checkpointInterval);
      String checkpoints = tmp.resolve("checkpoints").toUri().toString();
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
      // Long runs take many checkpoints; keep the end-of-input one in the statistics.
      conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 1000);
    }
    conf.addAll(Configuration.fromMap(flinkOptions));

    long inputRecords = input.count();
    config.runtime.parallelism = c.parallelism();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(c.parallelism());
    buildGraph(env, c.mode(), c.rateLimit(), config, input, inputRecords, endCheckpoint);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName("cart-journeys bench " + c.configuration());

    MiniClusterConfiguration clusterConfig =
        new MiniClusterConfiguration.Builder()
            .setConfiguration(conf)
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(c.parallelism())
            .build();
    System.gc(); // start each run with the previous run's garbage gone
    BenchProbe.reset(config.time.watermarkLag.toMillis());
    double loadBefore = LoadAverage.oneMinute();
    try (MiniCluster cluster = new MiniCluster(clusterConfig)) {
      cluster.start();
      ResourceSampler sampler = new ResourceSampler();
      long submitted = System.nanoTime();
      JobID job = cluster.submitJob(graph).get().getJobID();
      CompletableFuture<JobResult> jobResult = cluster.requestJobResult(job);
      long endCheckpointId = endCheckpoint ? checkpointAtEnd(cluster, job, jobResult) : -1;
      JobResult result = jobResult.get();
      long finished = System.nanoTime();
      sampler.close();
      if (!result.isSuccess()) {
        Throwable cause =
            result.getSerializedThrowable()
                .map(t -> t.deserializeError(BenchRunner.class.getClassLoader()))
                .orElse(null);
        throw new IllegalStateException("benchmark job " + c.configuration() + " failed", cause);
      }
      ArchivedExecutionGraph archived = cluster.getArchivedExecutionGraph(job).get();
      double loadAfter = LoadAverage.oneMinute();
      return measure(
          c,
          inputRecords,
          submitted,
          finished,
          sampler,
          archived,
          endCheckpointId,
          loadBefore,
          loadAfter);
    }
  }

  /**
   * Waits until the source holds its last record, takes a checkpoint and lets the source go on.
   * Returns the checkpoint's id, or -1 when the job ended before the hold.
   */
  private static long checkpointAtEnd(
      MiniCluster cluster, JobID job, CompletableFuture<JobResult> jobResult) throws Exception {
    long deadline = System.nanoTime() + END_CHECKPOINT_WAIT.toNanos();
    while (BenchProbe.holdStartedNanos() == 0 && !jobResult.isDone()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the job did not reach its last record within " + END_CHECKPOINT_WAIT);
      }
      Thread.sleep(20);
    }
    if (jobResult.isDone()) {
      return -1;
    }
    // Tasks still being deployed refuse the checkpoint; they get the same wait again to start.
    deadline = System.nanoTime() + END_CHECKPOINT_WAIT.toNanos();
    try {
      while (true) {
        try {
          return cluster
              .triggerCheckpoint(job, CheckpointType.CONFIGURED)
              .get(END_CHECKPOINT_WAIT.toMinutes(), TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          // A small input can reach its last record before every task is deployed. The
          // checkpoint is then refused and tried again once they run.
          boolean notRunning =
              ExceptionUtils.findThrowable(e, CheckpointException.class)
                  .map(c -> c.getCheckpointFailureReason()
                      == CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING)
                  .orElse(false);
          if (!notRunning || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(100);
        }
      }
    } finally {
      BenchProbe.releaseHold();
    }
  }

  private static void buildGraph(
      StreamExecutionEnvironment env,
      BenchCase.Mode mode,
      double rateLimit,
      JobConfig config,
      RecordIterable input,
      long inputRecords,
      boolean holdLast)
      throws Exception {
    ProbedInput probed = new ProbedInput(input);
    DataGeneratorSource<RawRecord> source;
    if (holdLast) {
      source = RecordSource.of(probed, inputRecords, new HoldLastRecord(inputRecords));
    } else if (rateLimit > 0) {
      source = RecordSource.of(probed, rateLimit);
    } else {
      source = RecordSource.of(probed, inputRecords);
    }
    DataStream<RawRecord> raw =
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Replay input")
            .setParallelism(1)
            .uid("replay-source")
            .name("Replay input files");
    switch (mode) {
      case READ -> raw.sinkTo(new CountingSink<>("records")).uid("sink-records-count")
          .name("Count raw records");
      case DECODE -> {
        SingleOutputStreamOperator<Signal> decoded =
            raw.process(new IngestFunction()).uid("ingest").name("Ingest: decode and validate");
        decoded.sinkTo(new CountingSink<>("signals")).uid("sink-signals-count")
            .name("Count decoded records");
        decoded
            .getSideOutput(IngestFunction.DEAD_LETTERS)
            .sinkTo(new CountingSink<>(CountingSinks.DEAD_LETTERS))
            .uid("sink-dead-letters-count")
            .name("Count dead letters");
      }
      case FULL -> JourneyTopology.build(config, raw, new CountingSinks());
    }
  }

  private static BenchResult measure(
      BenchCase c,
      long inputRecords,
      long submitted,
      long finished,
      ResourceSampler sampler,
      ArchivedExecutionGraph archived,
      long endCheckpointId,
      double loadBefore,
      double loadAfter) {
    long firstRead = BenchProbe.firstReadNanos();
    long lastOutput = BenchProbe.lastOutputNanos();
    double processing = 0;
    if (firstRead > 0 && lastOutput > firstRead) {
      processing = (lastOutput - firstRead - BenchProbe.heldNanos()) / 1e9;
    }

    long checkpoints = 0;
    long maxState = 0;
    Map<String, Long> stateByTask = new LinkedHashMap<>();
    long endState = -1;
    Map<String, Long> endStateByTask = new LinkedHashMap<>();
    CheckpointStatsSnapshot stats = archived.getCheckpointStatsSnapshot();
    if (stats != null) {
      checkpoints = stats.getCounts().getNumberOfCompletedCheckpoints();
      if (checkpoints > 0) {
        maxState = stats.getSummaryStats().getStateSizeStats().getMaximum();
      }
      AbstractCheckpointStats largest = null;
      for (AbstractCheckpointStats cp : stats.getHistory().getCheckpoints()) {
        if (cp.getStatus() == CheckpointStatsStatus.COMPLETED
            && (largest == null || cp.getStateSize() > largest.getStateSize())) {
          largest = cp;
        }
      }
      if (largest != null) {
        stateByTask = stateByTask(largest, archived);
      }
      for (AbstractCheckpointStats cp : stats.getHistory().getCheckpoints()) {
        if (cp.getCheckpointId() == endCheckpointId
            && cp.getStatus() == CheckpointStatsStatus.COMPLETED) {
          endState = cp.getStateSize();
          endStateByTask = stateByTask(cp, archived);
        }
      }
    }

    Histogram latency = BenchProbe.latencyMicros();
    boolean measured = latency.getTotalCount() > 0;
    BenchResult r =
        new BenchResult(
            c,
            inputRecords,
            (finished - submitted) / 1e9,
            processing,
            sampler.processCpuNanos() / 1e9,
            sampler.peakHeapUsed(),
            sampler.maxHeapAfterGc(),
            checkpoints,
            maxState,
            BenchProbe.counts(),
            latency.getTotalCount(),
            measured ? latency.getValueAtPercentile(50) / 1000.0 : -1,
            measured ? latency.getValueAtPercentile(90) / 1000.0 : -1,
            measured ? latency.getValueAtPercentile(99) / 1000.0 : -1,
            measured ? latency.getMaxValue() / 1000.0 : -1,
            BenchProbe.commandsAtEnd(),
            sampler.cpuByTask(),
            stateByTask,
            endState,
            endStateByTask,
            loadBefore,
            loadAfter);
    LOG.info(
        "{} run {}: {} records in {} s processing ({} records/s), {} s wall",
        c.configuration(),
        c.run(),
        inputRecords,
        String.format("%.2f", r.processingSeconds()),
        String.format("%.0f", r.recordsPerSecond()),
        String.format("%.2f", r.wallSeconds()));
    return r;
  }

  /** Returns the state size of each task with state in one checkpoint, by task name. */
  private static Map<String, Long> stateByTask(
      AbstractCheckpointStats checkpoint, ArchivedExecutionGraph archived) {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (TaskStateStats t : checkpoint.getAllTaskStateStats()) {
      if (t.getStateSize() > 0) {
        sizes.put(archived.getJobVertex(t.getJobVertexId()).getName(), t.getStateSize());
      }
    }
    return sizes;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      LOG.warn("could not delete temporary directory {}: {}", dir, e.toString());
    }
  }
}
