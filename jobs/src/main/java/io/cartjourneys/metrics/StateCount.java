package io.cartjourneys.metrics;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * A count of items kept in keyed state over all keys of one subtask, for a gauge. Keyed state
 * cannot be summed across keys, so the function adjusts this count beside its state changes and
 * checkpoints it as operator list state. After a restore with another parallelism the entries are
 * spread over the new subtasks: the sum over all subtasks stays right, one subtask's value may not,
 * and may even be negative.
 */
public final class StateCount implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String name;
  private long value;
  private transient ListState<Long> state;

  public StateCount(String name) {
    this.name = name;
  }

  /** Call from {@code initializeState}; restores the count from the last checkpoint, if any. */
  public void initialize(FunctionInitializationContext context) throws Exception {
    state =
        context.getOperatorStateStore().getListState(new ListStateDescriptor<>(name, Long.class));
    value = 0;
    if (context.isRestored()) {
      for (Long v : state.get()) {
        value += v;
      }
    }
  }

  /** Call from {@code snapshotState}. */
  public void snapshot() throws Exception {
    state.update(List.of(value));
  }

  public void add(long delta) {
    value += delta;
  }

  public long value() {
    return value;
  }
}
