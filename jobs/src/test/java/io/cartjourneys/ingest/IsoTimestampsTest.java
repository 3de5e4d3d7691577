package io.cartjourneys.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoTimestampsTest {
  @Test
  void commonShapesParse() {
    String text = "2026-03-01T19:00:34.416-05:00";
    assertThat(IsoTimestamps.parseMillis(text))
        .isEqualTo(OffsetDateTime.parse(text).toInstant().toEpochMilli());
    assertThat(IsoTimestamps.parseMillis("1970-01-01T00:00:00Z")).isZero();
    assertThat(IsoTimestamps.parseMillis("1969-12-31T23:59:59.9999Z")).isEqualTo(-1);
    assertThat(IsoTimestamps.parseMillis("2026-03-02T05:30:32.022+05:30"))
        .isEqualTo(1772409632022L);
  }

  @Test
  void otherShapesAreLeftToTheGeneralParser() {
    for (String t :
        List.of(
            "2026-02-30T10:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-12-31T23:59:60Z",
            "2026-03-01T10:00Z",
            "2026-03-01t10:00:00z",
            "2026-03-01T10:00:00.Z",
            "2026-03-01T10:00:00.1234567890Z",
            "2026-03-01T10:00:00+05:30:00",
            "2026-03-01T10:00:00+0530",
            "2026-03-01T10:00:00+19:00",
            "2026-03-01T10:00:00+05:60",
            "+2026-03-01T10:00:00Z",
            "2026-03-01 10:00:00Z",
            "２０２６-03-01T10:00:00Z")) {
      assertThat(IsoTimestamps.parseMillis(t)).as(t).isEqualTo(IsoTimestamps.NOT_HANDLED);
    }
  }

  /** Wherever the fast path answers, it agrees with OffsetDateTime.parse. */
  @Test
  void agreesWithOffsetDateTimeOnRandomText() {
    Random random = new Random(7);
    String alphabet = "0123456789-:T.Z+ ";
    int handled = 0;
    for (int i = 0; i < 50_000; i++) {
      String t = mutate(random, alphabet);
      long fast = IsoTimestamps.parseMillis(t);
      Long general = general(t);
      if (fast != IsoTimestamps.NOT_HANDLED) {
        handled++;
        assertThat(general).as(t).isEqualTo(fast);
      }
    }
    assertThat(handled).as("random texts in the fast path's shape").isGreaterThan(2_500);
  }

  private static String mutate(Random random, String alphabet) {
    String[] seeds = {
      "2026-03-01T19:00:34.416-05:00",
      "2024-02-29T23:59:59.999999999+14:00",
      "1999-12-31T00:00:00Z",
      "0001-01-01T00:00:00.5-18:00"
    };
    List<Character> chars = new ArrayList<>();
    for (char c : seeds[random.nextInt(seeds.length)].toCharArray()) {
      chars.add(c);
    }
    int edits = random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(chars.size());
      char c = alphabet.charAt(random.nextInt(alphabet.length()));
      switch (random.nextInt(3)) {
        case 0 -> chars.set(at, c);
        case 1 -> chars.add(at, c);
        default -> chars.remove(at);
      }
    }
    StringBuilder b = new StringBuilder();
    chars.forEach(b::append);
    return b.toString();
  }

  private static Long general(String t) {
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }
}
