package io.cartjourneys.jmh;

import io.cartjourneys.decide.PersonState;
import io.cartjourneys.model.CartItem;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmarks folding a person's cart changes into the current cart. The decide stage folds twice
 * per cart event and once per candidate, and it keeps at most 500 changes per cart.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PersonStateBenchmark {
  @Param({"3", "30", "500"})
  public int changes;

  private PersonState state;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    state = new PersonState();
    for (int i = 0; i < changes; i++) {
      CartItem item = new CartItem();
      item.sku = "SKU-" + random.nextInt(Math.max(2, changes / 3));
      item.name = "Product " + item.sku;
      item.price = 10.0 + random.nextInt(100);
      item.currency = "EUR";
      item.quantity = 1;
      String type = random.nextInt(10) < 8 ? "ADD_TO_CART" : "REMOVE_FROM_CART";
      // Arrival order is not time order, as with late and released records.
      long time = 1_000_000L + random.nextInt(changes * 1_000);
      state.changes.add(new PersonState.CartChange(time, type, item));
    }
  }

  @Benchmark
  public List<CartItem> cart() {
    return state.cart();
  }

  @Benchmark
  public long lastChangeAt() {
    return state.lastChangeAt();
  }
}
