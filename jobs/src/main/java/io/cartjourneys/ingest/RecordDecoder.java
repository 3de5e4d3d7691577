package io.cartjourneys.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.CrmProfile;
import io.cartjourneys.avro.DeliveryFeedback;
import io.cartjourneys.avro.IdentityLink;
import io.cartjourneys.avro.Item;
import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.RawRecord;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * Turns the bytes of one input record into a {@link Signal}. JSON Lines follow the input contract;
 * anything else is read as Avro single-object encoding of the input's schema. Missing optional
 * fields are allowed and unknown fields are ignored.
 *
 * <p>A record is rejected with a {@link DecodeException} only when it cannot be processed at all:
 * unreadable, too large, or without its type, id or a usable time. An optional value that is of the
 * wrong type, an unknown enum symbol or out of the {@link InputLimits} is dropped (or, for a
 * quantity, lowered) and noted in {@link Repairs}; the rest of the record is kept.
 */
public final class RecordDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> EVENT_TYPES =
      Set.of(
          "PRODUCT_VIEW",
          "ADD_TO_CART",
          "REMOVE_FROM_CART",
          "CHECKOUT_STARTED",
          "PURCHASE",
          "APP_OPEN",
          "LOGIN",
          "LOGOUT");
  private static final Set<String> CHANNELS = Set.of("WEB", "MOBILE_APP");
  private static final Set<String> CONSENT = Set.of("OPTED_IN", "OPTED_OUT", "UNKNOWN");
  private static final Set<String> FEEDBACK =
      Set.of("DELIVERED", "OPENED", "CLICKED", "BOUNCED", "UNSUBSCRIBED", "TOKEN_INVALID");

  private static final long EVENT_SCHEMA =
      AvroSingleObject.fingerprint(BehaviourEvent.getClassSchema());
  private static final long PROFILE_SCHEMA =
      AvroSingleObject.fingerprint(CrmProfile.getClassSchema());
  private static final long LINK_SCHEMA =
      AvroSingleObject.fingerprint(IdentityLink.getClassSchema());
  private static final long FEEDBACK_SCHEMA =
      AvroSingleObject.fingerprint(DeliveryFeedback.getClassSchema());

  private RecordDecoder() {}

  /** Decodes one record, discarding the notes on dropped values. */
  public static Signal decode(SourceKind source, byte[] payload) throws DecodeException {
    return decode(source, payload, new Repairs());
  }

  /**
   * Decodes one record.
   *
   * @param repairs receives one entry per kind of value dropped or changed
   * @throws DecodeException when the record cannot be processed; never any other exception
   */
  public static Signal decode(SourceKind source, byte[] payload, Repairs repairs)
      throws DecodeException {
    if (payload == null || payload.length == 0) {
      throw new DecodeException("empty-record", null);
    }
    if (payload.length > InputLimits.MAX_RECORD_BYTES) {
      throw new DecodeException("record-too-large", payload.length + " bytes");
    }
    int first = 0;
    while (first < payload.length && Character.isWhitespace(payload[first])) {
      first++;
    }
    Signal s;
    if (first < payload.length && payload[first] == '{') {
      s = decodeJson(source, payload, repairs);
    } else if (AvroSingleObject.hasMarker(payload)) {
      s = decodeAvro(source, payload);
    } else {
      throw new DecodeException(
          "unrecognised-encoding", "neither a JSON object nor Avro single-object");
    }
    RecordChecks.check(s, repairs);
    return s;
  }

  // ---------------------------------------------------------------- JSON

  private static Signal decodeJson(SourceKind source, byte[] payload, Repairs repairs)
      throws DecodeException {
    JsonNode n;
    try {
      n = JSON.readTree(payload);
    } catch (Exception e) {
      // The class only: Jackson's messages quote the input, which may hold personal data.
      throw new DecodeException("invalid-json", e.getClass().getSimpleName());
    }
    if (n == null || !n.isObject()) {
      throw new DecodeException("invalid-json", "not an object");
    }
    return switch (source) {
      case EVENTS -> eventFromJson(n, repairs);
      case PROFILES -> profileFromJson(n, repairs);
      case LINKS -> linkFromJson(n, repairs);
      case FEEDBACK -> feedbackFromJson(n, repairs);
    };
  }

  private static Signal eventFromJson(JsonNode n, Repairs repairs) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.EVENT;
    s.eventType = required(n, "event_type", "missing-event-type");
    if (!EVENT_TYPES.contains(s.eventType)) {
      throw new DecodeException("unknown-event-type", safe(s.eventType));
    }
    s.time = time(n, "occurred_at");
    s.id = required(n, "event_id", "missing-event-id");
    s.channel = optional(n, "channel", repairs);
    if (s.channel != null && !CHANNELS.contains(s.channel)) {
      repairs.add("unknown-channel", "channel");
      s.channel = null;
    }
    s.anonymousId = optional(n, "anonymous_id", repairs);
    s.deviceId = optional(n, "device_id", repairs);
    s.customerId = optional(n, "customer_id", repairs);
    s.email = optional(n, "email", repairs);
    s.authenticated = bool(n, "authenticated", repairs);
    s.pushToken = optional(n, "push_token", repairs);
    s.cartId = optional(n, "cart_id", repairs);
    s.orderId = optional(n, "order_id", repairs);
    JsonNode items = n.get("items");
    if (items != null && !items.isNull()) {
      if (!items.isArray()) {
        repairs.add("wrong-type", "items");
      } else {
        for (JsonNode i : items) {
          if (!i.isObject()) {
            repairs.add("invalid-item", "items");
            continue;
          }
          s.items.add(itemFromJson(i, repairs));
        }
      }
    }
    return s;
  }

  private static CartItem itemFromJson(JsonNode i, Repairs repairs) {
    CartItem c = new CartItem();
    c.sku = optional(i, "sku", repairs);
    c.name = optional(i, "name", repairs);
    c.price = price(i.get("price"), repairs);
    c.currency = optional(i, "currency", repairs);
    c.quantity = quantity(i.get("quantity"));
    c.imageUrl = optional(i, "image_url", repairs);
    c.productUrl = optional(i, "product_url", repairs);
    return c;
  }

  private static Signal profileFromJson(JsonNode n, Repairs repairs) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.PROFILE;
    s.customerId = required(n, "customer_id", "missing-customer-id");
    s.id = s.customerId;
    s.time = time(n, "updated_at");
    strings(n, "emails", s.emails, repairs);
    strings(n, "phones", s.phones, repairs);
    s.firstName = optional(n, "first_name", repairs);
    s.locale = optional(n, "locale", repairs);
    s.timeZone = optional(n, "time_zone", repairs);
    JsonNode consent = n.get("consent");
    if (consent != null && !consent.isNull() && !consent.isObject()) {
      repairs.add("wrong-type", "consent");
      consent = null;
    }
    s.emailConsent = consent(consent, "email", repairs);
    s.pushConsent = consent(consent, "push", repairs);
    s.deleted = bool(n, "deleted", repairs);
    return s;
  }

  private static Signal linkFromJson(JsonNode n, Repairs repairs) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.LINK;
    s.id = required(n, "link_id", "missing-link-id");
    s.time = time(n, "occurred_at");
    s.linkSource = optional(n, "source", repairs);
    s.authenticated = bool(n, "authenticated", repairs);
    JsonNode ids = n.get("identifiers");
    if (ids != null && !ids.isNull() && !ids.isObject()) {
      repairs.add("wrong-type", "identifiers");
      return s;
    }
    if (ids != null) {
      s.customerId = optional(ids, "customer_id", repairs);
      s.email = optional(ids, "email", repairs);
      s.phone = optional(ids, "phone", repairs);
      s.deviceId = optional(ids, "device_id", repairs);
      s.anonymousId = optional(ids, "anonymous_id", repairs);
    }
    return s;
  }

  private static Signal feedbackFromJson(JsonNode n, Repairs repairs) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.FEEDBACK;
    s.commandId = required(n, "command_id", "missing-command-id");
    s.id = s.commandId;
    s.status = required(n, "status", "missing-feedback-status");
    if (!FEEDBACK.contains(s.status)) {
      throw new DecodeException("unknown-feedback-status", safe(s.status));
    }
    s.time = time(n, "occurred_at");
    return s;
  }

  private static String consent(JsonNode consent, String field, Repairs repairs) {
    String value = consent == null ? null : optional(consent, field, repairs);
    if (value == null) {
      return "UNKNOWN";
    }
    if (!CONSENT.contains(value)) {
      // Consent that cannot be read is no consent, as UNKNOWN means.
      repairs.add("unknown-consent", "consent." + field);
      return "UNKNOWN";
    }
    return value;
  }

  /** A field the record cannot do without: scalar, not blank. */
  private static String required(JsonNode n, String field, String missingReason)
      throws DecodeException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new DecodeException(missingReason, null);
    }
    if (v.isContainerNode()) {
      throw new DecodeException("wrong-type", field);
    }
    String text = v.asText();
    if (text.isBlank()) {
      throw new DecodeException(missingReason, "blank");
    }
    return text;
  }

  /** Reads an optional scalar as text (numbers and booleans too); drops an object or array. */
  private static String optional(JsonNode n, String field, Repairs repairs) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isContainerNode()) {
      repairs.add("wrong-type", field);
      return null;
    }
    return v.asText();
  }

  /** True only for JSON true or the text "true"; anything but a boolean or null is noted. */
  private static boolean bool(JsonNode n, String field, Repairs repairs) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual() && ("true".equals(v.textValue()) || "false".equals(v.textValue()))) {
      return "true".equals(v.textValue());
    }
    repairs.add("wrong-type", field);
    return false;
  }

  private static void strings(JsonNode n, String field, List<String> into, Repairs repairs) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isArray()) {
      repairs.add("wrong-type", field);
      return;
    }
    for (JsonNode e : v) {
      if (e.isTextual()) {
        into.add(e.textValue());
      } else {
        repairs.add("wrong-type", field);
      }
    }
  }

  /** Reads a price from a number or numeric text; null when missing. Range checks come later. */
  private static Double price(JsonNode v, Repairs repairs) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.textValue().trim());
      } catch (NumberFormatException e) {
        // falls through to the note below
      }
    }
    repairs.add("invalid-price", "items.price");
    return null;
  }

  /**
   * Reads a quantity from a whole number or its text, saturated to the int range; 1 when missing; 0
   * (which the checks reject) when it is not a whole number.
   */
  private static int quantity(JsonNode v) {
    if (v == null || v.isNull()) {
      return 1;
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        return v.bigIntegerValue().signum() > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
      }
      return saturate(v.longValue());
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      return Double.isFinite(d) && d == Math.rint(d) ? saturate((long) d) : 0;
    }
    if (v.isTextual()) {
      try {
        return saturate(Long.parseLong(v.textValue().trim()));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  private static int saturate(long v) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  private static long time(JsonNode n, String field) throws DecodeException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new DecodeException("missing-time", field);
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw new DecodeException("time-out-of-range", field);
      }
      return v.longValue();
    }
    if (!v.isTextual()) {
      throw new DecodeException("invalid-time", field);
    }
    String t = v.textValue();
    long fast = IsoTimestamps.parseMillis(t);
    if (fast != IsoTimestamps.NOT_HANDLED) {
      return fast;
    }
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      try {
        // Also reads leap seconds (23:59:60), as the last second of the minute.
        return Instant.parse(t).toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw new DecodeException("invalid-time", field);
      } catch (ArithmeticException e2) {
        throw new DecodeException("time-out-of-range", field);
      }
    }
  }

  /**
   * Enum-like values are echoed in dead letters to help the reader, but only when they look like a
   * symbol: anything else might be personal data and is described by its length.
   */
  static String safe(String value) {
    if (value.length() <= 40 && value.matches("[A-Za-z0-9_\\-]+")) {
      return value;
    }
    return "a value of " + value.length() + " characters";
  }

  // ---------------------------------------------------------------- Avro

  private static Signal decodeAvro(SourceKind source, byte[] payload) throws DecodeException {
    try {
      return switch (source) {
        case EVENTS ->
            fromAvro(
                AvroSingleObject.decode(
                    payload, BehaviourEvent.class, BehaviourEvent.getClassSchema(), EVENT_SCHEMA));
        case PROFILES ->
            fromAvro(
                AvroSingleObject.decode(
                    payload, CrmProfile.class, CrmProfile.getClassSchema(), PROFILE_SCHEMA));
        case LINKS ->
            fromAvro(
                AvroSingleObject.decode(
                    payload, IdentityLink.class, IdentityLink.getClassSchema(), LINK_SCHEMA));
        case FEEDBACK ->
            fromAvro(
                AvroSingleObject.decode(
                    payload,
                    DeliveryFeedback.class,
                    DeliveryFeedback.getClassSchema(),
                    FEEDBACK_SCHEMA));
      };
    } catch (DecodeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DecodeException("invalid-avro", e.getClass().getSimpleName());
    }
  }

  public static Signal fromAvro(BehaviourEvent e) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.EVENT;
    if (e.getEventId() == null || e.getEventId().isEmpty()) {
      throw new DecodeException("missing-event-id", null);
    }
    s.id = e.getEventId();
    s.eventType = e.getEventType().name();
    s.time = e.getOccurredAt().toEpochMilli();
    s.channel = e.getChannel() == null ? null : e.getChannel().name();
    s.anonymousId = e.getAnonymousId();
    s.deviceId = e.getDeviceId();
    s.customerId = e.getCustomerId();
    s.email = e.getEmail();
    s.authenticated = e.getAuthenticated();
    s.pushToken = e.getPushToken();
    s.cartId = e.getCartId();
    s.orderId = e.getOrderId();
    for (Item i : e.getItems()) {
      CartItem c = new CartItem();
      c.sku = i.getSku();
      c.name = i.getName();
      c.price = i.getPrice();
      c.currency = i.getCurrency();
      c.quantity = i.getQuantity();
      c.imageUrl = i.getImageUrl();
      c.productUrl = i.getProductUrl();
      s.items.add(c);
    }
    return s;
  }

  public static Signal fromAvro(CrmProfile p) {
    Signal s = new Signal();
    s.kind = Signal.Kind.PROFILE;
    s.customerId = p.getCustomerId();
    s.id = s.customerId;
    s.time = p.getUpdatedAt().toEpochMilli();
    s.emails.addAll(p.getEmails());
    s.phones.addAll(p.getPhones());
    s.firstName = p.getFirstName();
    s.locale = p.getLocale();
    s.timeZone = p.getTimeZone();
    s.emailConsent = p.getConsent() == null ? "UNKNOWN" : p.getConsent().getEmail().name();
    s.pushConsent = p.getConsent() == null ? "UNKNOWN" : p.getConsent().getPush().name();
    s.deleted = p.getDeleted();
    return s;
  }

  public static Signal fromAvro(IdentityLink l) {
    Signal s = new Signal();
    s.kind = Signal.Kind.LINK;
    s.id = l.getLinkId();
    s.time = l.getOccurredAt().toEpochMilli();
    s.linkSource = l.getSource();
    s.authenticated = l.getAuthenticated();
    s.customerId = l.getIdentifiers().getCustomerId();
    s.email = l.getIdentifiers().getEmail();
    s.phone = l.getIdentifiers().getPhone();
    s.deviceId = l.getIdentifiers().getDeviceId();
    s.anonymousId = l.getIdentifiers().getAnonymousId();
    return s;
  }

  public static Signal fromAvro(DeliveryFeedback f) {
    Signal s = new Signal();
    s.kind = Signal.Kind.FEEDBACK;
    s.commandId = f.getCommandId();
    s.id = s.commandId;
    s.status = f.getStatus().name();
    s.time = f.getOccurredAt().toEpochMilli();
    return s;
  }

  /** Reads just the record time, for interleaving replay files; null when it cannot be found. */
  public static Long peekTime(SourceKind source, byte[] payload) {
    try {
      return decode(source, payload).time;
    } catch (DecodeException e) {
      return null;
    }
  }

  /**
   * Reads the record time as {@link #peekTime(SourceKind, byte[])} does, and keeps the decoded
   * record in {@link RawRecord#decoded} for {@link #decode(RawRecord, Repairs)}. The time is only
   * known once the whole record decodes, because a record that does not is dead-lettered and must
   * not move the watermark.
   */
  public static Long peekTime(RawRecord raw) {
    Decoded d = decoded(raw);
    return d.signal == null ? null : d.signal.time;
  }

  /**
   * Decodes a raw record as {@link #decode(SourceKind, byte[], Repairs)} does, or takes the result
   * that {@link #peekTime(RawRecord)} kept and clears it. The returned Signal belongs to the
   * caller.
   */
  public static Signal decode(RawRecord raw, Repairs repairs) throws DecodeException {
    Decoded d = decoded(raw);
    raw.decoded = null;
    for (Repairs.Repair r : d.repairs.entries()) {
      repairs.add(r.reason(), r.field(), r.count());
    }
    if (d.error != null) {
      throw d.error;
    }
    return d.signal;
  }

  private static Decoded decoded(RawRecord raw) {
    if (raw.decoded instanceof Decoded d) {
      return d;
    }
    Repairs repairs = new Repairs();
    Decoded d;
    try {
      d = new Decoded(decode(raw.source, raw.payload, repairs), null, repairs);
    } catch (DecodeException e) {
      d = new Decoded(null, e, repairs);
    }
    raw.decoded = d;
    return d;
  }

  /** The outcome of decoding one payload: the record or why it was rejected, and the repairs. */
  private record Decoded(Signal signal, DecodeException error, Repairs repairs) {}

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
