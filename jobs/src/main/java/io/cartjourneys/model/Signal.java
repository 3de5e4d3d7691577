package io.cartjourneys.model;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A decoded input record on its way from ingest to the person it belongs to. One flat type keeps
 * the identity stages generic: they only read and rewrite the identifier fields. Flink serializes
 * it with {@link SignalSerializer}, which must learn every field added here.
 */
@TypeInfo(SignalSerializer.Factory.class)
public class Signal {
  /**
   * Event type of the notice an identity stage sends to a customer when one of their cookies or
   * devices moves to another owner or logs out: from the notice's time on, push tokens given on
   * that identifier are no longer the customer's. Never an input event type.
   */
  public static final String IDENTIFIER_RELEASED = "IDENTIFIER_RELEASED";

  public Kind kind;

  /** event_id, link_id, command_id, or customer_id for profiles. */
  public String id;

  /** occurred_at, or updated_at for profiles, epoch milliseconds. */
  public long time;

  /** Arrival order from the source; the last tie-break. */
  public long sequence;

  // Behaviour event fields (identifier fields are shared with links).
  public String eventType;
  public String channel;
  public String anonymousId;
  public String deviceId;
  public String customerId;
  public String email;
  public String phone;
  public boolean authenticated;
  public String pushToken;
  public String cartId;
  public String orderId;
  public List<CartItem> items = new ArrayList<>();

  // CRM profile fields.
  public List<String> emails = new ArrayList<>();
  public List<String> phones = new ArrayList<>();
  public String firstName;
  public String locale;
  public String timeZone;
  public String emailConsent;
  public String pushConsent;
  public boolean deleted;

  // Identity link fields.
  public String linkSource;

  // Delivery feedback fields.
  public String commandId;
  public String status;

  /** For abandonment candidates: the last cart change the candidate covers, epoch ms. */
  public long lastChangeAt;

  /**
   * Set on the per-contact copies of a profile that feed the email and phone index: {@code e:} or
   * {@code p:} followed by the normalised address. Null on every other record.
   */
  public String contactKey;

  /**
   * On a contact copy: the profile no longer lists this email or phone (or the profile was
   * erased), so the customer gives up its claim on it.
   */
  public boolean unlisted;

  /** The customer the identity stages resolved this record to; null while unresolved. */
  public String resolvedCustomer;

  /** The device an anonymous cookie pointed at, for the device stage. */
  public String resolvedDevice;

  /**
   * When the record was held because its identifier had no owner: the order time of the link that
   * released it, epoch ms. Zero when it resolved on arrival.
   */
  public long resolvedAt;

  /**
   * The input watermark when the record entered the job, epoch ms. A record at or behind it is
   * late. Stamped once at ingest, so every stage agrees on which records are late whatever the
   * parallelism.
   */
  public long arrivalWatermark = Long.MIN_VALUE;

  public Signal() {}

  public enum Kind {
    PROFILE,
    LINK,
    EVENT,
    FEEDBACK,
    /** Emitted by abandonment detection: a cart change with no activity after it. */
    CANDIDATE
  }

  /** Tie-break rank for equal times: profiles, links, events, feedback, then candidates. */
  public int rank() {
    return kind.ordinal();
  }

  public boolean isEvent(String type) {
    return kind == Kind.EVENT && type.equals(eventType);
  }

  public boolean isCartChange() {
    return kind == Kind.EVENT
        && ("ADD_TO_CART".equals(eventType)
            || "REMOVE_FROM_CART".equals(eventType)
            || "CHECKOUT_STARTED".equals(eventType));
  }

  public boolean isPurchase() {
    return isEvent("PURCHASE");
  }

  /** True for the notice that a cookie or device left its customer. */
  public boolean isRelease() {
    return isEvent(IDENTIFIER_RELEASED);
  }

  /**
   * True for a copy of an erasing profile sent to one cookie or device of the erased customer, to
   * clear that identifier's pointer at the customer.
   */
  public boolean isErasureCopy() {
    return kind == Kind.PROFILE && deleted && (anonymousId != null || deviceId != null);
  }

  /** The effective time at the person stage: a held record counts from its release. */
  public long effectiveTime() {
    return Math.max(time, resolvedAt);
  }

  /** True when the record arrived behind the input watermark. */
  public boolean isLate() {
    return arrivalWatermark != Long.MIN_VALUE && time <= arrivalWatermark;
  }

  /**
   * The instant at which stages apply this record, epoch ms: its own time, or for a record that
   * was held or arrived late, the moment it became known (just after the watermark it arrived
   * behind). Every stage sorts by this value, and it always lies ahead of the stage's watermark
   * when the record arrives, so records apply in one deterministic order at any parallelism.
   */
  public long orderTime() {
    long known = arrivalWatermark == Long.MIN_VALUE ? Long.MIN_VALUE : arrivalWatermark + 1;
    return Math.max(Math.max(time, resolvedAt), known);
  }

  public Signal copy() {
    Signal s = new Signal();
    s.kind = kind;
    s.id = id;
    s.time = time;
    s.sequence = sequence;
    s.eventType = eventType;
    s.channel = channel;
    s.anonymousId = anonymousId;
    s.deviceId = deviceId;
    s.customerId = customerId;
    s.email = email;
    s.phone = phone;
    s.authenticated = authenticated;
    s.pushToken = pushToken;
    s.cartId = cartId;
    s.orderId = orderId;
    if (items == null) {
      s.items = null;
    } else {
      s.items = new ArrayList<>(items.size());
      for (CartItem i : items) {
        s.items.add(i == null ? null : i.copy());
      }
    }
    s.emails = emails == null ? null : new ArrayList<>(emails);
    s.phones = phones == null ? null : new ArrayList<>(phones);
    s.firstName = firstName;
    s.locale = locale;
    s.timeZone = timeZone;
    s.emailConsent = emailConsent;
    s.pushConsent = pushConsent;
    s.deleted = deleted;
    s.linkSource = linkSource;
    s.commandId = commandId;
    s.status = status;
    s.lastChangeAt = lastChangeAt;
    s.contactKey = contactKey;
    s.unlisted = unlisted;
    s.resolvedCustomer = resolvedCustomer;
    s.resolvedDevice = resolvedDevice;
    s.resolvedAt = resolvedAt;
    s.arrivalWatermark = arrivalWatermark;
    return s;
  }

  @Override
  public String toString() {
    // Identifiers only: never emails, phones or tokens.
    return "Signal{" + kind + " " + id + " @" + time + (eventType == null ? "" : " " + eventType)
        + (resolvedCustomer == null ? "" : " -> " + resolvedCustomer) + "}";
  }
}
