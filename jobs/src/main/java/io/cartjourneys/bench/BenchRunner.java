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
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
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
    Path tmp = Files.createTempDirectory(Files.createDirectories(workDir), "run-");
    try {
      return runIn(c, config, input, checkpointInterval, flinkOptions, tmp);
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
      Path tmp)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
    conf.set(StateBackendOptions.STATE_BACKEND, c.backend());
    if (c.backend().equals("rocksdb")) {
      conf.set(RocksDBOptions.LOCAL_DIRECTORIES, tmp.resolve("rocksdb").toString());
    }
    if (!checkpointInterval.isZero()) {
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
      String checkpoints = tmp.resolve("checkpoints").toUri().toString();
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
    }
    conf.addAll(Configuration.fromMap(flinkOptions));

    config.runtime.parallelism = c.parallelism();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(c.parallelism());
    buildGraph(env, c.mode(), c.rateLimit(), config, input);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName("cart-journeys bench " + c.configuration());

    long inputRecords = input.count();
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
      JobResult result = cluster.requestJobResult(job).get();
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
          c, inputRecords, submitted, finished, sampler, archived, loadBefore, loadAfter);
    }
  }

  private static void buildGraph(
      StreamExecutionEnvironment env,
      BenchCase.Mode mode,
      double rateLimit,
      JobConfig config,
      RecordIterable input)
      throws Exception {
    ProbedInput probed = new ProbedInput(input);
    DataStream<RawRecord> raw =
        env.fromSource(
                rateLimit > 0 ? RecordSource.of(probed, rateLimit) : RecordSource.of(probed),
                WatermarkStrategy.noWatermarks(),
                "Replay input")
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
      double loadBefore,
      double loadAfter) {
    long firstRead = BenchProbe.firstReadNanos();
    long lastOutput = BenchProbe.lastOutputNanos();
    double processing = 0;
    if (firstRead > 0 && lastOutput > firstRead) {
      processing = (lastOutput - firstRead) / 1e9;
    }

    long checkpoints = 0;
    long maxState = 0;
    Map<String, Long> stateByTask = new LinkedHashMap<>();
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
        for (TaskStateStats t : largest.getAllTaskStateStats()) {
          if (t.getStateSize() > 0) {
            stateByTask.put(archived.getJobVertex(t.getJobVertexId()).getName(), t.getStateSize());
          }
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

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      LOG.warn("could not delete temporary directory {}: {}", dir, e.toString());
    }
  }
}
