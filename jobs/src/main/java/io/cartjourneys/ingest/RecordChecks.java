package io.cartjourneys.ingest;

import static io.cartjourneys.ingest.InputLimits.MAX_CONTACTS;
import static io.cartjourneys.ingest.InputLimits.MAX_ID_CHARS;
import static io.cartjourneys.ingest.InputLimits.MAX_ITEMS;
import static io.cartjourneys.ingest.InputLimits.MAX_PRICE;
import static io.cartjourneys.ingest.InputLimits.MAX_QUANTITY;
import static io.cartjourneys.ingest.InputLimits.MAX_TEXT_CHARS;
import static io.cartjourneys.ingest.InputLimits.MAX_TIME;
import static io.cartjourneys.ingest.InputLimits.MIN_TIME;

import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.Signal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Applies {@link InputLimits} to a decoded record, the same way for JSON and Avro. A record whose
 * time or own id is unusable is rejected; an optional value out of bounds is dropped (or, for a
 * quantity, lowered) and noted in {@link Repairs}.
 */
final class RecordChecks {
  private RecordChecks() {}

  static void check(Signal s, Repairs repairs) throws DecodeException {
    if (s.time < MIN_TIME || s.time >= MAX_TIME) {
      throw new DecodeException("time-out-of-range", timeField(s.kind));
    }
    String idField = idField(s.kind);
    if (s.id == null || s.id.isBlank()) {
      throw new DecodeException("missing-" + idField.replace('_', '-'), null);
    }
    if (s.id.length() > MAX_ID_CHARS) {
      throw new DecodeException("field-too-long", idField);
    }
    s.anonymousId = bounded(s.anonymousId, "anonymous_id", MAX_ID_CHARS, repairs);
    s.deviceId = bounded(s.deviceId, "device_id", MAX_ID_CHARS, repairs);
    s.customerId = bounded(s.customerId, "customer_id", MAX_ID_CHARS, repairs);
    s.email = bounded(s.email, "email", MAX_ID_CHARS, repairs);
    s.phone = bounded(s.phone, "phone", MAX_ID_CHARS, repairs);
    s.cartId = text(s.cartId, "cart_id", MAX_ID_CHARS, repairs);
    s.orderId = text(s.orderId, "order_id", MAX_ID_CHARS, repairs);
    s.pushToken = text(s.pushToken, "push_token", MAX_TEXT_CHARS, repairs);
    s.firstName = text(s.firstName, "first_name", MAX_TEXT_CHARS, repairs);
    s.locale = text(s.locale, "locale", MAX_ID_CHARS, repairs);
    s.timeZone = text(s.timeZone, "time_zone", MAX_ID_CHARS, repairs);
    s.linkSource = text(s.linkSource, "source", MAX_TEXT_CHARS, repairs);
    s.emails = contacts(s.emails, "emails", repairs);
    s.phones = contacts(s.phones, "phones", repairs);
    checkItems(s, repairs);
  }

  private static void checkItems(Signal s, Repairs repairs) {
    Iterator<CartItem> it = s.items.iterator();
    while (it.hasNext()) {
      CartItem i = it.next();
      if (i == null || i.sku == null || i.sku.isBlank()) {
        repairs.add("invalid-item", "items.sku");
        it.remove();
        continue;
      }
      if (i.sku.length() > MAX_ID_CHARS) {
        repairs.add("field-too-long", "items.sku");
        it.remove();
        continue;
      }
      if (i.quantity <= 0) {
        // Quantities are changes in the direction of the event type; zero or less means nothing.
        repairs.add("invalid-quantity", "items.quantity");
        it.remove();
        continue;
      }
      if (i.quantity > MAX_QUANTITY) {
        repairs.add("quantity-clamped", "items.quantity");
        i.quantity = MAX_QUANTITY;
      }
      if (i.price != null && !(i.price >= 0 && i.price <= MAX_PRICE)) {
        // Also catches NaN, for which every comparison is false.
        repairs.add("invalid-price", "items.price");
        i.price = null;
      }
      i.name = text(i.name, "items.name", MAX_TEXT_CHARS, repairs);
      i.currency = text(i.currency, "items.currency", MAX_ID_CHARS, repairs);
      i.imageUrl = text(i.imageUrl, "items.image_url", MAX_TEXT_CHARS, repairs);
      i.productUrl = text(i.productUrl, "items.product_url", MAX_TEXT_CHARS, repairs);
    }
    if (s.items.size() > MAX_ITEMS) {
      repairs.add("items-truncated", "items", s.items.size() - MAX_ITEMS);
      s.items = new ArrayList<>(s.items.subList(0, MAX_ITEMS));
    }
  }

  private static List<String> contacts(List<String> values, String field, Repairs repairs) {
    List<String> kept = new ArrayList<>();
    for (String v : values) {
      if (v == null) {
        continue;
      }
      if (v.length() > MAX_ID_CHARS) {
        repairs.add("field-too-long", field);
      } else if (kept.size() >= MAX_CONTACTS) {
        repairs.add("contacts-truncated", field);
      } else {
        kept.add(v);
      }
    }
    return kept;
  }

  /**
   * Free text that gateways show or follow: besides its length, a value with a control character
   * (NUL, bell, escape and so on), half a surrogate pair or a replacement character (left by a
   * broken encoding) is dropped. Direction marks stay: right-to-left names need them.
   */
  private static String text(String value, String field, int max, Repairs repairs) {
    String v = bounded(value, field, max, repairs);
    if (v != null && hasControlCharacters(v)) {
      repairs.add("invalid-characters", field);
      return null;
    }
    return v;
  }

  static boolean hasControlCharacters(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c) || c == '\uFFFD') {
        return true;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= v.length() || !Character.isLowSurrogate(v.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** Identifiers: only the length here; the identity rules judge their characters. */
  private static String bounded(String value, String field, int max, Repairs repairs) {
    if (value != null && value.length() > max) {
      repairs.add("field-too-long", field);
      return null;
    }
    return value;
  }

  private static String idField(Signal.Kind kind) {
    return switch (kind) {
      case EVENT, CANDIDATE -> "event_id";
      case LINK -> "link_id";
      case PROFILE -> "customer_id";
      case FEEDBACK -> "command_id";
    };
  }

  private static String timeField(Signal.Kind kind) {
    return kind == Signal.Kind.PROFILE ? "updated_at" : "occurred_at";
  }
}
