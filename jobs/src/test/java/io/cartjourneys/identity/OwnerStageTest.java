package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.avro.Decision;
import io.cartjourneys.model.Signal;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The identity stage's ownership rules on single keys, with explicit watermarks: late links and
 * logouts do not move an owner back, a customer that loses a device is told so, erasure clears only
 * the erased customer's pointer, and an email stays with the first profile that lists it.
 */
class OwnerStageTest {
  private static final long MINUTE = 60_000L;
  private static final long T0 = Instant.parse("2026-03-10T10:00:00Z").toEpochMilli();

  private static KeyedOneInputStreamOperatorTestHarness<String, Signal, Signal> stage(
      OwnerStage.Level level) throws Exception {
    OwnerStage stage = new OwnerStage(level, 200, 25 * 60 * MINUTE, 90L * 24 * 60 * MINUTE);
    var h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            stage, s -> OwnerStage.key(level, s), Types.STRING);
    h.processWatermark(T0 - MINUTE);
    return h;
  }

  private static Signal event(String id, String type, long time, String device, String customer) {
    Signal s = new Signal();
    s.kind = Signal.Kind.EVENT;
    s.id = id;
    s.eventType = type;
    s.time = time;
    s.channel = "MOBILE_APP";
    s.deviceId = device;
    s.customerId = customer;
    s.authenticated = customer != null;
    s.resolvedCustomer = customer;
    return s;
  }

  private static Signal erasure(String customer, String device, long time) {
    Signal s = new Signal();
    s.kind = Signal.Kind.PROFILE;
    s.id = customer;
    s.customerId = customer;
    s.resolvedCustomer = customer;
    s.deleted = true;
    s.time = time;
    s.deviceId = device;
    return s;
  }

  private static Signal contactCopy(String customer, String contact, long time, boolean unlisted) {
    Signal s = new Signal();
    s.kind = Signal.Kind.PROFILE;
    s.id = customer;
    s.customerId = customer;
    s.resolvedCustomer = customer;
    s.time = time;
    s.contactKey = contact;
    s.unlisted = unlisted;
    return s;
  }

  /** Feeds one record and moves the watermark to its time, so that it applies at once. */
  private static void apply(KeyedOneInputStreamOperatorTestHarness<String, Signal, Signal> h,
      Signal s) throws Exception {
    h.processElement(s, s.time);
    h.processWatermark(s.time);
  }

  private static List<Signal> releases(
      KeyedOneInputStreamOperatorTestHarness<String, Signal, Signal> h) {
    return h.extractOutputValues().stream().filter(Signal::isRelease).toList();
  }

  private static List<Decision> audits(
      KeyedOneInputStreamOperatorTestHarness<String, Signal, Signal> h) {
    var side = h.getSideOutput(OwnerStage.AUDIT);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void deviceMovesToTheLastLoginAndTellsThePreviousOwner() throws Exception {
    try (var h = stage(OwnerStage.Level.DEVICE)) {
      apply(h, event("a", "LOGIN", T0, "d-1", "k-a"));
      apply(h, event("b", "LOGIN", T0 + 10 * MINUTE, "d-1", "k-b"));
      apply(h, event("v", "APP_OPEN", T0 + 11 * MINUTE, "d-1", null));

      assertThat(releases(h))
          .singleElement()
          .satisfies(
              n -> {
                assertThat(n.resolvedCustomer).isEqualTo("k-a");
                assertThat(n.deviceId).isEqualTo("d-1");
                assertThat(n.time).isEqualTo(T0 + 10 * MINUTE);
              });
      assertThat(h.extractOutputValues())
          .filteredOn(s -> "v".equals(s.id))
          .singleElement()
          .satisfies(s -> assertThat(s.resolvedCustomer).isEqualTo("k-b"));
      assertThat(audits(h))
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.getOutcome().name()).isEqualTo("LINK_MOVED");
                assertThat(d.getCustomerId()).isEqualTo("k-b");
                assertThat(d.getFacts().get("previous_customer_id")).isEqualTo("k-a");
              });
    }
  }

  @Test
  void lateLoginOfAnEarlierOwnerMovesNothing() throws Exception {
    try (var h = stage(OwnerStage.Level.DEVICE)) {
      apply(h, event("a", "LOGIN", T0, "d-1", "k-a"));
      apply(h, event("b", "LOGIN", T0 + 10 * MINUTE, "d-1", "k-b"));
      // Arrives after the watermark passed k-b's login, from a time between the two logins.
      apply(h, event("a-late", "LOGIN", T0 + 5 * MINUTE, "d-1", "k-a"));
      apply(h, event("out-late", "LOGOUT", T0 + 6 * MINUTE, "d-1", null));
      apply(h, event("v", "APP_OPEN", T0 + 11 * MINUTE, "d-1", null));

      assertThat(releases(h)).extracting(n -> n.resolvedCustomer).containsExactly("k-a");
      assertThat(h.extractOutputValues())
          .filteredOn(s -> "v".equals(s.id))
          .singleElement()
          .satisfies(s -> assertThat(s.resolvedCustomer).isEqualTo("k-b"));
    }
  }

  @Test
  void logoutEndsTheOwnerFromItsTime() throws Exception {
    try (var h = stage(OwnerStage.Level.DEVICE)) {
      apply(h, event("a", "LOGIN", T0, "d-1", "k-a"));
      apply(h, event("out", "LOGOUT", T0 + 10 * MINUTE, "d-1", null));
      apply(h, event("v", "APP_OPEN", T0 + 11 * MINUTE, "d-1", null));

      assertThat(releases(h)).extracting(n -> n.resolvedCustomer).containsExactly("k-a");
      assertThat(h.extractOutputValues())
          .filteredOn(s -> "out".equals(s.id))
          .singleElement()
          .satisfies(s -> assertThat(s.resolvedCustomer).isEqualTo("k-a"));
      // Anonymous activity after the logout waits for the next owner.
      assertThat(h.extractOutputValues()).noneMatch(s -> "v".equals(s.id));
    }
  }

  @Test
  void lateAnonymousRecordsGoToTheOwnerOfTheirTime() throws Exception {
    try (var h = stage(OwnerStage.Level.DEVICE)) {
      apply(h, event("a", "LOGIN", T0, "d-1", "k-a"));
      apply(h, event("out", "LOGOUT", T0 + 10 * MINUTE, "d-1", null));
      apply(h, event("b", "LOGIN", T0 + 20 * MINUTE, "d-1", "k-b"));
      apply(h, event("a-again", "LOGIN", T0 + 30 * MINUTE, "d-1", "k-a"));
      // A batch from the app arrives after all of that.
      apply(h, event("v-a", "APP_OPEN", T0 + 5 * MINUTE, "d-1", null));
      apply(h, event("v-gap", "APP_OPEN", T0 + 15 * MINUTE, "d-1", null));
      apply(h, event("v-b", "APP_OPEN", T0 + 25 * MINUTE, "d-1", null));
      apply(h, event("v-before", "APP_OPEN", T0 - 5 * MINUTE, "d-1", null));

      assertThat(h.extractOutputValues())
          .filteredOn(s -> s.id.startsWith("v-"))
          .extracting(s -> s.id + " " + s.resolvedCustomer)
          // Between the logout and k-b's login, and before the first login, a record would have
          // waited for the next login.
          .containsExactly("v-a k-a", "v-gap k-b", "v-b k-b", "v-before k-a");
    }
  }

  @Test
  void candidateBelongsToTheOwnerAtItsCartChange() throws Exception {
    try (var h = stage(OwnerStage.Level.DEVICE)) {
      apply(h, event("a", "LOGIN", T0, "d-1", "k-a"));
      apply(h, event("b", "LOGIN", T0 + 20 * MINUTE, "d-1", "k-b"));
      Signal candidate = event("candidate:c", null, T0 + 35 * MINUTE, "d-1", null);
      candidate.kind = Signal.Kind.CANDIDATE;
      candidate.lastChangeAt = T0 + 5 * MINUTE;
      apply(h, candidate);

      assertThat(h.extractOutputValues())
          .filteredOn(s -> s.kind == Signal.Kind.CANDIDATE)
          .singleElement()
          .satisfies(s -> assertThat(s.resolvedCustomer).isEqualTo("k-a"));
    }
  }

  @Test
  void erasureClearsOnlyTheErasedCustomersPointers() throws Exception {
    try (var h = stage(OwnerStage.Level.DEVICE)) {
      apply(h, event("a", "LOGIN", T0, "d-1", "k-a"));
      apply(h, erasure("k-other", "d-1", T0 + MINUTE));
      apply(h, event("v1", "APP_OPEN", T0 + 2 * MINUTE, "d-1", null));
      apply(h, erasure("k-a", "d-1", T0 + 3 * MINUTE));
      apply(h, event("v2", "APP_OPEN", T0 + 4 * MINUTE, "d-1", null));
      // Late, from k-a's time: dropped rather than given to anyone else.
      apply(h, event("v-late", "APP_OPEN", T0 + MINUTE, "d-1", null));
      apply(h, event("b", "LOGIN", T0 + 5 * MINUTE, "d-1", "k-b"));

      List<Signal> out = h.extractOutputValues();
      assertThat(out)
          .filteredOn(s -> s.id.startsWith("v"))
          .extracting(s -> s.id + " " + s.resolvedCustomer)
          // v2 waited for the next owner.
          .containsExactly("v1 k-a", "v2 k-b");
      assertThat(out).noneMatch(s -> s.kind == Signal.Kind.PROFILE);
      assertThat(releases(h)).isEmpty();
    }
  }

  @Test
  void addressStaysWithTheFirstProfileAndPassesToTheClaimant() throws Exception {
    try (var h = stage(OwnerStage.Level.CONTACT)) {
      apply(h, contactCopy("k-a", "e:x@example.com", T0, false));
      apply(h, contactCopy("k-b", "e:x@example.com", T0 + MINUTE, false));
      Signal lookup = event("l1", "LOGIN", T0 + 2 * MINUTE, null, null);
      lookup.email = "x@example.com";
      lookup.authenticated = true;
      apply(h, lookup);
      Signal claim = event("c1", "LOGIN", T0 + 3 * MINUTE, null, "k-c");
      claim.email = "x@example.com";
      apply(h, claim);
      apply(h, contactCopy("k-a", "e:x@example.com", T0 + 4 * MINUTE, true));
      Signal after = event("l2", "LOGIN", T0 + 5 * MINUTE, null, null);
      after.email = "x@example.com";
      after.authenticated = true;
      apply(h, after);

      List<Signal> out = h.extractOutputValues();
      assertThat(out).filteredOn(s -> "l1".equals(s.id)).singleElement()
          .satisfies(s -> assertThat(s.customerId).isEqualTo("k-a"));
      assertThat(out).filteredOn(s -> "c1".equals(s.id)).singleElement()
          .satisfies(s -> {
            assertThat(s.customerId).isEqualTo("k-c");
            assertThat(s.email).isNull();
          });
      assertThat(out).filteredOn(s -> "l2".equals(s.id)).singleElement()
          .satisfies(s -> assertThat(s.customerId).isEqualTo("k-b"));
      assertThat(audits(h))
          .extracting(d -> d.getOutcome() + " " + d.getReason() + " " + d.getCustomerId())
          .containsExactly(
              "REJECTED_LINK owned-by-another-customer k-b",
              "REJECTED_LINK owned-by-another-customer k-c",
              "LINK_MOVED previous-owner-unlisted k-b");
    }
  }
}
