package io.cartjourneys.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.CrmProfile;
import io.cartjourneys.avro.DeliveryFeedback;
import io.cartjourneys.avro.IdentityLink;
import io.cartjourneys.avro.Item;
import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.Signal;
import io.cartjourneys.model.SourceKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Turns the bytes of one input record into a {@link Signal}. JSON Lines follow the input contract;
 * anything else is read as Avro single-object encoding of the input's schema. Missing optional
 * fields are allowed and unknown fields are ignored; only a record without an identity, a type or
 * a time is rejected.
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

  private RecordDecoder() {}

  public static Signal decode(SourceKind source, byte[] payload) throws DecodeException {
    if (payload == null || payload.length == 0) {
      throw new DecodeException("empty-record", null);
    }
    int first = 0;
    while (first < payload.length && Character.isWhitespace(payload[first])) {
      first++;
    }
    if (first < payload.length && payload[first] == '{') {
      return decodeJson(source, payload);
    }
    if (payload.length >= 2 && (payload[0] & 0xff) == 0xC3 && (payload[1] & 0xff) == 0x01) {
      return decodeAvro(source, payload);
    }
    throw new DecodeException("unrecognised-encoding", "neither a JSON object nor Avro single-object");
  }

  // ---------------------------------------------------------------- JSON

  private static Signal decodeJson(SourceKind source, byte[] payload) throws DecodeException {
    JsonNode n;
    try {
      n = JSON.readTree(payload);
    } catch (Exception e) {
      throw new DecodeException("invalid-json", e.getClass().getSimpleName());
    }
    if (n == null || !n.isObject()) {
      throw new DecodeException("invalid-json", "not an object");
    }
    return switch (source) {
      case EVENTS -> eventFromJson(n);
      case PROFILES -> profileFromJson(n);
      case LINKS -> linkFromJson(n);
      case FEEDBACK -> feedbackFromJson(n);
    };
  }

  private static Signal eventFromJson(JsonNode n) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.EVENT;
    s.eventType = text(n, "event_type");
    if (s.eventType == null) {
      throw new DecodeException("missing-event-type", null);
    }
    if (!EVENT_TYPES.contains(s.eventType)) {
      throw new DecodeException("unknown-event-type", safe(s.eventType));
    }
    s.time = time(n, "occurred_at");
    s.id = text(n, "event_id");
    if (s.id == null) {
      throw new DecodeException("missing-event-id", null);
    }
    s.channel = text(n, "channel");
    if (s.channel != null && !CHANNELS.contains(s.channel)) {
      throw new DecodeException("unknown-channel", safe(s.channel));
    }
    s.anonymousId = text(n, "anonymous_id");
    s.deviceId = text(n, "device_id");
    s.customerId = text(n, "customer_id");
    s.email = text(n, "email");
    s.authenticated = n.path("authenticated").asBoolean(false);
    s.pushToken = text(n, "push_token");
    s.cartId = text(n, "cart_id");
    s.orderId = text(n, "order_id");
    JsonNode items = n.get("items");
    if (items != null && items.isArray()) {
      for (JsonNode i : items) {
        String sku = text(i, "sku");
        if (sku == null) {
          continue;
        }
        CartItem c = new CartItem();
        c.sku = sku;
        c.name = text(i, "name");
        c.price = i.hasNonNull("price") && i.get("price").isNumber() ? i.get("price").asDouble() : null;
        c.currency = text(i, "currency");
        c.quantity = i.hasNonNull("quantity") ? i.get("quantity").asInt(1) : 1;
        c.imageUrl = text(i, "image_url");
        c.productUrl = text(i, "product_url");
        s.items.add(c);
      }
    }
    return s;
  }

  private static Signal profileFromJson(JsonNode n) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.PROFILE;
    s.customerId = text(n, "customer_id");
    if (s.customerId == null) {
      throw new DecodeException("missing-customer-id", null);
    }
    s.id = s.customerId;
    s.time = time(n, "updated_at");
    for (JsonNode e : n.path("emails")) {
      if (e.isTextual()) {
        s.emails.add(e.asText());
      }
    }
    for (JsonNode p : n.path("phones")) {
      if (p.isTextual()) {
        s.phones.add(p.asText());
      }
    }
    s.firstName = text(n, "first_name");
    s.locale = text(n, "locale");
    s.timeZone = text(n, "time_zone");
    s.emailConsent = consent(text(n.path("consent"), "email"));
    s.pushConsent = consent(text(n.path("consent"), "push"));
    s.deleted = n.path("deleted").asBoolean(false);
    return s;
  }

  private static Signal linkFromJson(JsonNode n) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.LINK;
    s.id = text(n, "link_id");
    if (s.id == null) {
      throw new DecodeException("missing-link-id", null);
    }
    s.time = time(n, "occurred_at");
    s.linkSource = text(n, "source");
    s.authenticated = n.path("authenticated").asBoolean(false);
    JsonNode ids = n.path("identifiers");
    s.customerId = text(ids, "customer_id");
    s.email = text(ids, "email");
    s.phone = text(ids, "phone");
    s.deviceId = text(ids, "device_id");
    s.anonymousId = text(ids, "anonymous_id");
    return s;
  }

  private static Signal feedbackFromJson(JsonNode n) throws DecodeException {
    Signal s = new Signal();
    s.kind = Signal.Kind.FEEDBACK;
    s.commandId = text(n, "command_id");
    if (s.commandId == null) {
      throw new DecodeException("missing-command-id", null);
    }
    s.id = s.commandId;
    s.status = text(n, "status");
    if (s.status == null || !FEEDBACK.contains(s.status)) {
      throw new DecodeException("unknown-feedback-status", s.status == null ? null : safe(s.status));
    }
    s.time = time(n, "occurred_at");
    return s;
  }

  private static String consent(String value) throws DecodeException {
    if (value == null) {
      return "UNKNOWN";
    }
    if (!CONSENT.contains(value)) {
      throw new DecodeException("unknown-consent", safe(value));
    }
    return value;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull() || v.isContainerNode()) {
      return null;
    }
    return v.asText();
  }

  private static long time(JsonNode n, String field) throws DecodeException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new DecodeException("missing-time", field);
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    String t = v.asText();
    try {
      return OffsetDateTime.parse(t).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(t).toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw new DecodeException("invalid-time", field);
      }
    }
  }

  /** Enum-like values are echoed in dead letters; cut them short so no payload leaks through. */
  private static String safe(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "..." : value;
  }

  // ---------------------------------------------------------------- Avro

  private static Signal decodeAvro(SourceKind source, byte[] payload) throws DecodeException {
    try {
      return switch (source) {
        case EVENTS -> fromAvro(BehaviourEvent.getDecoder().decode(payload));
        case PROFILES -> fromAvro(CrmProfile.getDecoder().decode(payload));
        case LINKS -> fromAvro(IdentityLink.getDecoder().decode(payload));
        case FEEDBACK -> fromAvro(DeliveryFeedback.getDecoder().decode(payload));
      };
    } catch (DecodeException e) {
      throw e;
    } catch (Exception e) {
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

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
