package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.model.Signal;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The cookie stage's state of an identifier seen once goes away: held records after the buffer TTL,
 * the owner after the retention period, each by one event-time timer.
 */
class OwnerStageCleanupTest {
  private static final long HOUR = 3_600_000L;
  private static final long T0 = Instant.parse("2026-03-14T10:00:00Z").toEpochMilli();

  private static KeyedOneInputStreamOperatorTestHarness<String, Signal, Signal> cookieStage()
      throws Exception {
    OwnerStage stage = new OwnerStage(OwnerStage.Level.COOKIE, 200, HOUR, 2 * HOUR);
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        stage, s -> OwnerStage.key(OwnerStage.Level.COOKIE, s), Types.STRING);
  }

  private static Signal event(String id, String type, long time, String cookie, String customer) {
    Signal s = new Signal();
    s.kind = Signal.Kind.EVENT;
    s.id = id;
    s.eventType = type;
    s.time = time;
    s.channel = "WEB";
    s.anonymousId = cookie;
    s.customerId = customer;
    s.authenticated = customer != null;
    if (customer != null) {
      s.resolvedCustomer = customer;
    }
    return s;
  }

  @Test
  void heldRecordsExpireAfterTheBufferTtl() throws Exception {
    try (var h = cookieStage()) {
      h.processElement(event("v1", "PRODUCT_VIEW", T0, "c-once", null), T0);
      h.processWatermark(T0);
      assertThat(h.extractOutputValues()).isEmpty();
      assertThat(h.numKeyedStateEntries()).isPositive();

      h.processWatermark(T0 + HOUR + 1);

      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void ownerIsForgottenAfterTheRetentionPeriod() throws Exception {
    try (var h = cookieStage()) {
      h.processElement(event("login", "LOGIN", T0, "c-1", "k-1"), T0);
      h.processElement(event("view", "PRODUCT_VIEW", T0 + HOUR, "c-1", null), T0 + HOUR);
      h.processWatermark(T0 + HOUR);
      assertThat(h.extractOutputValues())
          .extracting(s -> s.id + "->" + s.resolvedCustomer)
          .containsExactly("login->k-1", "view->k-1");

      // Seen last at T0 + 1h: the owner goes when 2h more have passed, not before.
      h.processWatermark(T0 + 3 * HOUR);
      assertThat(h.numKeyedStateEntries()).isPositive();
      h.processWatermark(T0 + 3 * HOUR + 1);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();

      // Back after that: anonymous again, so its record is held until the next login.
      h.processElement(event("again", "PRODUCT_VIEW", T0 + 4 * HOUR, "c-1", null), T0 + 4 * HOUR);
      h.processWatermark(T0 + 4 * HOUR);
      assertThat(h.extractOutputValues()).hasSize(2);
    }
  }

  @Test
  void activityKeepsTheOwner() throws Exception {
    try (var h = cookieStage()) {
      h.processElement(event("login", "LOGIN", T0, "c-2", "k-2"), T0);
      for (int i = 1; i <= 5; i++) {
        long t = T0 + i * HOUR;
        h.processElement(event("view-" + i, "PRODUCT_VIEW", t, "c-2", null), t);
        h.processWatermark(t);
      }
      assertThat(h.extractOutputValues())
          .extracting(s -> s.resolvedCustomer)
          .containsOnly("k-2")
          .hasSize(6);
      assertThat(h.numEventTimeTimers()).isEqualTo(1);
    }
  }
}
