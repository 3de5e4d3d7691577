package io.cartjourneys.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.CrmProfile;
import io.cartjourneys.avro.DeliveryFeedback;
import io.cartjourneys.avro.IdentityLink;
import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.util.Arrays;

/**
 * Fuzz targets for {@link RecordDecoder#decode}: on any bytes, for any input, it returns a record
 * within the {@link InputLimits} or throws {@link DecodeException}, and nothing else (no other
 * exception, no OutOfMemoryError). The first input byte picks the input; the rest is the payload.
 *
 * <p>Without {@code JAZZER_FUZZ=1} each target replays its seed corpus under {@code
 * src/test/resources/io/cartjourneys/ingest/RecordDecoderFuzzTestInputs/<method>/} and finishes in
 * well under a second. See docs/reliability.md for a fuzzing session.
 */
class RecordDecoderFuzzTest {
  private static final SourceKind[] KINDS = SourceKind.values();
  private static final byte[][] AVRO_HEADERS = {
    header(AvroSingleObject.fingerprint(CrmProfile.getClassSchema())),
    header(AvroSingleObject.fingerprint(IdentityLink.getClassSchema())),
    header(AvroSingleObject.fingerprint(BehaviourEvent.getClassSchema())),
    header(AvroSingleObject.fingerprint(DeliveryFeedback.getClassSchema()))
  };

  /** Any bytes: JSON text, Avro, or neither. */
  @FuzzTest(maxDuration = "3m")
  void anyBytes(byte[] input) {
    if (input.length == 0) {
      return;
    }
    check(KINDS[(input[0] & 0xff) % KINDS.length], Arrays.copyOfRange(input, 1, input.length));
  }

  /**
   * Avro bodies behind the input's own single-object header, so that the fuzzer spends its time in
   * the binary decoder rather than on finding the 10 header bytes.
   */
  @FuzzTest(maxDuration = "3m")
  void avroBody(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int kind = (input[0] & 0xff) % KINDS.length;
    byte[] header = AVRO_HEADERS[kind];
    byte[] payload = Arrays.copyOf(header, header.length + input.length - 1);
    System.arraycopy(input, 1, payload, header.length, input.length - 1);
    check(KINDS[kind], payload);
  }

  private static byte[] header(long fingerprint) {
    byte[] h = new byte[AvroSingleObject.HEADER_BYTES];
    h[0] = (byte) 0xC3;
    h[1] = 0x01;
    for (int i = 0; i < 8; i++) {
      h[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return h;
  }

  static void check(SourceKind kind, byte[] payload) {
    Signal s;
    Repairs repairs = new Repairs();
    try {
      s = RecordDecoder.decode(kind, payload, repairs);
    } catch (DecodeException e) {
      assertThat(e.reason()).matches("[a-z][a-z-]*");
      return;
    }
    assertThat(s.id).isNotBlank().hasSizeLessThanOrEqualTo(InputLimits.MAX_ID_CHARS);
    assertThat(s.time).isBetween(InputLimits.MIN_TIME, InputLimits.MAX_TIME - 1);
    assertThat(s.items).hasSizeLessThanOrEqualTo(InputLimits.MAX_ITEMS);
    for (CartItem i : s.items) {
      assertThat(i.sku).isNotBlank();
      assertThat(i.quantity).isBetween(1, InputLimits.MAX_QUANTITY);
      if (i.price != null) {
        assertThat(i.price).isBetween(0.0, InputLimits.MAX_PRICE);
      }
    }
    assertThat(s.emails).hasSizeLessThanOrEqualTo(InputLimits.MAX_CONTACTS);
    assertThat(s.phones).hasSizeLessThanOrEqualTo(InputLimits.MAX_CONTACTS);
    for (Repairs.Repair r : repairs.entries()) {
      assertThat(r.reason()).matches("[a-z][a-z-]*");
      assertThat(r.count()).isPositive();
    }
  }
}
