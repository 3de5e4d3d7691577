package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.model.Signal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Fuzz targets for the identity rules and the sanitise stage: whatever the values, nothing throws,
 * a value the rules accept is clean, and every identifier the sanitiser drops is audited.
 *
 * <p>Inputs are read as UTF-16 code units, two bytes each, so that the fuzzer can produce control
 * characters, direction marks and unpaired surrogates; U+FFFF separates values. Without {@code
 * JAZZER_FUZZ=1} the targets replay the seed corpus under {@code
 * src/test/resources/io/cartjourneys/identity/IdentifierRulesFuzzTestInputs/<method>/}.
 */
class IdentifierRulesFuzzTest {
  private static final IdentifierRules RULES = new IdentifierRules(List.of("c-blocked"), "US");
  private static final String E164 = "\\+[1-9][0-9]{1,14}";

  static List<String> values(byte[] input) {
    List<String> values = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i + 1 < input.length; i += 2) {
      char c = (char) (((input[i] & 0xff) << 8) | (input[i + 1] & 0xff));
      if (c == '\uffff') {
        values.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    values.add(current.toString());
    return values;
  }

  @FuzzTest(maxDuration = "3m")
  void rules(byte[] input) {
    for (String v : values(input)) {
      if (RULES.rejectReason(v) == null) {
        assertThat(v).hasSizeLessThanOrEqualTo(IdentifierRules.MAX_CHARS);
        assertThat(IdentifierRules.hasUnsafeCharacters(v)).isFalse();
      }
      if (RULES.rejectEmail(v) == null) {
        String email = IdentifierRules.normalizeEmail(v);
        assertThat(IdentifierRules.isValidEmail(email)).isTrue();
        assertThat(RULES.rejectEmail(email)).isNull();
      }
      String phone = RULES.normalizePhone(v);
      if (phone != null) {
        assertThat(phone).matches(E164);
        assertThat(RULES.normalizePhone(phone)).isEqualTo(phone);
        assertThat(RULES.rejectPhone(v)).isNull();
      }
    }
  }

  @FuzzTest(maxDuration = "3m")
  void sanitizeEvent(byte[] input) throws Exception {
    List<String> v = values(input);
    Signal s = new Signal();
    s.kind = Signal.Kind.EVENT;
    s.id = "e";
    s.eventType = "LOGIN";
    s.authenticated = true;
    s.anonymousId = pick(v, 0);
    s.deviceId = pick(v, 1);
    s.customerId = pick(v, 2);
    s.email = pick(v, 3);
    s.phone = pick(v, 4);
    int given = count(s.anonymousId, s.deviceId, s.customerId, s.email, s.phone);

    List<Signal> out = new ArrayList<>();
    List<Decision> audits = new ArrayList<>();
    sanitize(s, out, audits);

    assertThat(out).hasSize(1);
    Signal o = out.get(0);
    for (String id : new String[] {o.anonymousId, o.deviceId, o.customerId}) {
      if (id != null) {
        assertThat(RULES.rejectReason(id)).isNull();
      }
    }
    if (o.email != null) {
      assertThat(RULES.rejectEmail(o.email)).isNull();
    }
    if (o.phone != null) {
      assertThat(o.phone).matches(E164);
    }
    int kept = count(o.anonymousId, o.deviceId, o.customerId, o.email, o.phone);
    assertThat(audits).hasSize(given - kept);
  }

  @FuzzTest(maxDuration = "3m")
  void sanitizeProfile(byte[] input) throws Exception {
    List<String> v = values(input);
    Signal s = new Signal();
    s.kind = Signal.Kind.PROFILE;
    s.id = v.get(0);
    s.customerId = v.get(0);
    for (int i = 1; i < v.size(); i++) {
      (i % 2 == 0 ? s.phones : s.emails).add(v.get(i));
    }
    List<Signal> out = new ArrayList<>();
    sanitize(s, out, new ArrayList<>());
    if (out.isEmpty()) {
      assertThat(RULES.rejectReason(s.customerId)).isNotNull();
      return;
    }
    Signal profile = out.get(0);
    assertThat(profile.emails).hasSizeLessThanOrEqualTo(5).doesNotHaveDuplicates();
    assertThat(profile.phones).hasSizeLessThanOrEqualTo(5).doesNotHaveDuplicates();
    profile.emails.forEach(e -> assertThat(RULES.rejectEmail(e)).isNull());
    profile.phones.forEach(p -> assertThat(p).matches(E164));
    // The per-contact copies are made downstream, by the per-customer profile stage.
    assertThat(out).hasSize(1);
  }

  private static String pick(List<String> values, int i) {
    return i < values.size() ? values.get(i) : null;
  }

  private static int count(String... values) {
    int n = 0;
    for (String v : values) {
      n += v == null ? 0 : 1;
    }
    return n;
  }

  private static void sanitize(Signal s, List<Signal> out, List<Decision> audits) throws Exception {
    try (OneInputStreamOperatorTestHarness<Signal, Signal> h =
        ProcessFunctionTestHarnesses.forProcessFunction(new SanitizeFunction(RULES, 5, 5))) {
      h.processElement(s, 0L);
      out.addAll(h.extractOutputValues());
      var side = h.getSideOutput(SanitizeFunction.AUDIT);
      if (side != null) {
        for (StreamRecord<Decision> r : side) {
          audits.add(r.getValue());
        }
      }
    }
  }
}
