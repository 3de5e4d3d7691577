package io.cartjourneys.cli;

import io.cartjourneys.config.JobConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;

/** Flink settings derived from the job's {@code runtime} section, shared by run and demo. */
public final class JobEnvironment {
  private JobEnvironment() {}

  /**
   * Checkpointing and state backend settings. Checkpoints are exactly-once because the Kafka sinks
   * commit their transactions when a checkpoint completes, and they are kept when the job is
   * cancelled so that it can be restarted from the last one.
   */
  public static Configuration checkpointSettings(JobConfig.Runtime runtime) {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, runtime.checkpointInterval);
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    conf.set(StateBackendOptions.STATE_BACKEND, runtime.stateBackend);
    if ("rocksdb".equals(runtime.stateBackend)) {
      // Incremental checkpoints upload only changed files, the usual choice with RocksDB.
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    }
    if (runtime.checkpointDirectory != null && !runtime.checkpointDirectory.isBlank()) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, runtime.checkpointDirectory);
    }
    return conf;
  }

  /** Binds every port of a cluster started in this JVM to the loopback interface. */
  public static Configuration loopbackOnly(Configuration conf) {
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
    conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    return conf;
  }
}
