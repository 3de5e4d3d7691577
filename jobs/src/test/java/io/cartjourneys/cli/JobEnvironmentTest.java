package io.cartjourneys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.config.JobConfig;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class JobEnvironmentTest {

  @Test
  void rocksDbWithExactlyOnceCheckpoints() {
    JobConfig.Runtime runtime = new JobConfig.Runtime();
    runtime.stateBackend = "rocksdb";
    runtime.checkpointInterval = Duration.ofSeconds(15);
    runtime.checkpointDirectory = "file:///tmp/checkpoints";

    Configuration conf = JobEnvironment.checkpointSettings(runtime);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.configure(conf);

    assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(15_000L);
    assertThat(env.getCheckpointConfig().getCheckpointingConsistencyMode())
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo("file:///tmp/checkpoints");
  }

  @Test
  void hashmapWithoutDirectory() {
    Configuration conf = JobEnvironment.checkpointSettings(new JobConfig.Runtime());

    assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    assertThat(conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isFalse();
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(10));
  }
}
