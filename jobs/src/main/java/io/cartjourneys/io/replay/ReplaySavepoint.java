package io.cartjourneys.io.replay;

import io.cartjourneys.config.JobConfig;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.topology.JourneyTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays input like {@link ReplayRunner}, but keeps the source open after the last record and
 * then stops the job with a savepoint. The savepoint contains the state a live job would have
 * after reading the same records. No final watermark is emitted, so the watermark stays at the
 * latest record time less the watermark lag (at parallelism above 1, the smallest such time over
 * the parallel event-time subtasks), and timers due after it stay pending in the savepoint.
 */
public final class ReplaySavepoint {
  private static final Logger LOG = LoggerFactory.getLogger(ReplaySavepoint.class);

  /** How long tasks may take to deploy and start once all input was read. */
  private static final Duration TASK_START_TIMEOUT = Duration.ofMinutes(2);

  private ReplaySavepoint() {}

  /**
   * Runs the replay, writes the output files as far as the watermark got, and returns the
   * savepoint's path. The job uses {@code runtime.state-backend} of the configuration.
   */
  public static String run(
      JobConfig config,
      RecordIterable input,
      Path outDir,
      Path savepointDir,
      SavepointFormatType format)
      throws Exception {
    Files.createDirectories(outDir);
    Files.createDirectories(savepointDir);
    long count = input.count();
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(StateBackendOptions.STATE_BACKEND, config.runtime.stateBackend);
    // The environment only builds the graph; the cluster below runs it, because waiting for
    // every task to run needs the cluster's view of the job.
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    env.setParallelism(config.runtime.parallelism);
    env.setMaxParallelism(config.runtime.maxParallelism);

    String gateId = UUID.randomUUID().toString();
    CompletableFuture<Void> allEmitted = EndOfInputGate.register(gateId);
    MiniClusterConfiguration clusterConfig =
        new MiniClusterConfiguration.Builder()
            .setConfiguration(conf)
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(config.runtime.parallelism)
            .setCommonBindAddress("127.0.0.1")
            .build();
    try (MiniCluster cluster = new MiniCluster(clusterConfig)) {
      // One record more than the input has: the gate never releases it, so the source stays open.
      DataGeneratorSource<RawRecord> source =
          new DataGeneratorSource<>(
              new RecordSource.IteratingFunction(input),
              count + 1,
              new EndOfInputGate(gateId, count),
              TypeInformation.of(RawRecord.class));
      DataStream<RawRecord> raw =
          env.fromSource(source, WatermarkStrategy.noWatermarks(), "Replay input")
              .setParallelism(1)
              .uid("replay-source")
              .name("Replay input files, then held open");
      JourneyTopology.build(config, raw, new ReplaySinks(outDir));
      JobGraph job = env.getStreamGraph().getJobGraph();
      cluster.start();
      JobID id = cluster.submitJob(job).get().getJobID();
      CompletableFuture<JobResult> result = cluster.requestJobResult(id);

      // The job cannot end by itself, so a result before the end of the input is a failure.
      CompletableFuture.anyOf(allEmitted, result).get();
      throwIfDone(result);
      awaitAllTasksRunning(cluster, id, result);
      // The event-time operator emits watermarks on a processing-time interval. Waiting a few
      // intervals while every task runs puts the watermark for the last record ahead of the
      // savepoint barrier.
      // NOTE: on a machine too busy to run that timer within the wait, some timers stay unfired.
      Duration settle =
          Duration.ofMillis(Math.max(1000, 5 * env.getConfig().getAutoWatermarkInterval()));
      Thread.sleep(settle.toMillis());
      LOG.info("Replayed {} records; stopping with a {} savepoint", count, format);
      String path =
          cluster.stopWithSavepoint(id, savepointDir.toUri().toString(), false, format).get();
      result.get().toJobExecutionResult(ReplaySavepoint.class.getClassLoader());
      for (String f : ReplaySinks.ALL) {
        ReplayRunner.sortLines(outDir.resolve(f));
      }
      LOG.info("Savepoint written to {}", path);
      return path;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      EndOfInputGate.unregister(gateId);
    }
  }

  /**
   * Waits until every task runs: tasks deploy one by one, and a savepoint triggered while one is
   * still starting fails.
   */
  private static void awaitAllTasksRunning(
      MiniCluster cluster, JobID id, CompletableFuture<JobResult> result) throws Exception {
    Instant deadline = Instant.now().plus(TASK_START_TIMEOUT);
    while (true) {
      throwIfDone(result);
      boolean running = true;
      AccessExecutionGraph graph = cluster.getExecutionGraph(id).get();
      for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
        running &= v.getExecutionState() == ExecutionState.RUNNING;
      }
      if (running) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new TimeoutException(
            "not every task of the replay job was running after " + TASK_START_TIMEOUT);
      }
      Thread.sleep(100);
    }
  }

  /** Throws the job's failure, or reports an unexpected end, once the result is there. */
  private static void throwIfDone(CompletableFuture<JobResult> result) throws Exception {
    if (result.isDone()) {
      result.get().toJobExecutionResult(ReplaySavepoint.class.getClassLoader());
      throw new IllegalStateException("the replay job ended before it could be stopped");
    }
  }

  /**
   * Lets the first {@code records} records of the source through and none after them, and signals
   * the replay when the last one has been emitted. The reader asks for a permit before each
   * record, so the request for permit {@code records + 1} means every record has been emitted.
   * The signal goes through a static registry, which works because replay runs the job in this
   * JVM.
   */
  static final class EndOfInputGate implements RateLimiterStrategy<NumberSequenceSplit> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, CompletableFuture<Void>> GATES = new ConcurrentHashMap<>();

    private final String id;
    private final long records;

    EndOfInputGate(String id, long records) {
      this.id = id;
      this.records = records;
    }

    static CompletableFuture<Void> register(String id) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      GATES.put(id, f);
      return f;
    }

    static void unregister(String id) {
      GATES.remove(id);
    }

    @Override
    public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
      return new RateLimiter<>() {
        private long granted;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<Void> acquire(int permits) {
          if (granted + permits <= records) {
            granted += permits;
            return CompletableFuture.completedFuture(null);
          }
          CompletableFuture<Void> signal = GATES.get(id);
          if (signal != null) {
            signal.complete(null);
          }
          return closed; // never completes: the source stays open until the job stops
        }
      };
    }
  }
}
