package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.model.Signal;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Contact copies per profile version: claims for listed addresses, unlists for dropped ones. */
class ProfileContactsTest {
  private static final long DAY = 86_400_000L;
  private static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();

  private static KeyedOneInputStreamOperatorTestHarness<String, Signal, Signal> stage()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new ProfileContacts(), ProfileContacts::key, Types.STRING);
  }

  private static Signal profile(long time, boolean deleted, String... emails) {
    Signal s = new Signal();
    s.kind = Signal.Kind.PROFILE;
    s.id = "k-1";
    s.customerId = "k-1";
    s.resolvedCustomer = "k-1";
    s.time = time;
    s.deleted = deleted;
    s.emails = List.of(emails);
    return s;
  }

  /** Copies as "claim KEY" or "unlist KEY", and the profile itself as "profile". */
  private static List<String> apply(
      KeyedOneInputStreamOperatorTestHarness<String, Signal, Signal> h, Signal s)
      throws Exception {
    int before = h.extractOutputValues().size();
    h.processElement(s, s.time);
    h.processWatermark(s.time);
    List<Signal> out = h.extractOutputValues();
    return out.subList(before, out.size()).stream()
        .map(ProfileContactsTest::describe)
        .toList();
  }

  private static String describe(Signal c) {
    if (c.contactKey == null) {
      return "profile";
    }
    return (c.unlisted ? "unlist " : "claim ") + c.contactKey;
  }

  @Test
  void versionsClaimListedAndUnlistDroppedAddresses() throws Exception {
    try (var h = stage()) {
      assertThat(apply(h, profile(T0, false, "a@x.com", "b@x.com")))
          .containsExactly("claim e:a@x.com", "claim e:b@x.com", "profile");
      assertThat(apply(h, profile(T0 + DAY, false, "b@x.com", "c@x.com")))
          .containsExactly("unlist e:a@x.com", "claim e:b@x.com", "claim e:c@x.com", "profile");
      // An older version claims nothing; the decide stage ignores it too.
      assertThat(apply(h, profile(T0 + DAY / 2, false, "a@x.com"))).containsExactly("profile");
    }
  }

  @Test
  void erasureUnlistsEverythingAndLaterProfilesAreDropped() throws Exception {
    try (var h = stage()) {
      apply(h, profile(T0, false, "a@x.com"));
      assertThat(apply(h, profile(T0 + DAY, true)))
          .containsExactly("unlist e:a@x.com", "profile");
      assertThat(apply(h, profile(T0 + 2 * DAY, false, "a@x.com"))).isEmpty();
    }
  }
}
