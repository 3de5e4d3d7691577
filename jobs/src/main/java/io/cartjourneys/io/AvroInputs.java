package io.cartjourneys.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cartjourneys.avro.BehaviourEvent;
import io.cartjourneys.avro.Channel;
import io.cartjourneys.avro.Consent;
import io.cartjourneys.avro.ConsentState;
import io.cartjourneys.avro.CrmProfile;
import io.cartjourneys.avro.DeliveryFeedback;
import io.cartjourneys.avro.EventType;
import io.cartjourneys.avro.FeedbackStatus;
import io.cartjourneys.avro.Identifiers;
import io.cartjourneys.avro.IdentityLink;
import io.cartjourneys.avro.Item;
import io.cartjourneys.model.SourceKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Converts input records from their JSON Lines form to the Avro classes that producers write to the
 * input topics, and encodes them as Avro single-object bytes. It is strict where the job is
 * lenient: a line that does not fit the schema raises {@link IllegalArgumentException}, because its
 * callers publish known-good data such as the demo story.
 */
public final class AvroInputs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AvroInputs() {}

  /** Parses one JSON line of the given input into its Avro record. */
  public static SpecificRecord fromJson(SourceKind kind, String line) {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Invalid JSON " + kind.label() + " record", e);
    }
    return switch (kind) {
      case PROFILES -> profile(n);
      case LINKS -> link(n);
      case EVENTS -> event(n);
      case FEEDBACK -> feedback(n);
    };
  }

  /** Encodes a record in Avro single-object encoding, the Kafka wire format of every topic. */
  public static byte[] singleObject(SpecificRecord record) {
    SpecificData model = SpecificData.getForClass(record.getClass());
    BinaryMessageEncoder<SpecificRecord> encoder =
        new BinaryMessageEncoder<>(model, record.getSchema());
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("Encoding a " + record.getSchema().getName() + " failed", e);
    }
  }

  /** Returns the record's time: occurred_at, or updated_at for a profile. */
  public static Instant recordTime(SpecificRecord record) {
    if (record instanceof BehaviourEvent e) {
      return e.getOccurredAt();
    } else if (record instanceof CrmProfile p) {
      return p.getUpdatedAt();
    } else if (record instanceof IdentityLink l) {
      return l.getOccurredAt();
    } else if (record instanceof DeliveryFeedback f) {
      return f.getOccurredAt();
    }
    throw new IllegalArgumentException("Not an input record: " + record.getSchema().getName());
  }

  /**
   * Returns a Kafka key that keeps one person's records in one partition where the record allows
   * it. The key is the customer id, else the device id, else the cookie, and for feedback the
   * command id.
   */
  public static String recordKey(SpecificRecord record) {
    if (record instanceof BehaviourEvent e) {
      return firstNonNull(e.getCustomerId(), e.getDeviceId(), e.getAnonymousId());
    } else if (record instanceof CrmProfile p) {
      return p.getCustomerId();
    } else if (record instanceof IdentityLink l) {
      Identifiers ids = l.getIdentifiers();
      return firstNonNull(ids.getCustomerId(), ids.getDeviceId(), ids.getAnonymousId());
    } else if (record instanceof DeliveryFeedback f) {
      return f.getCommandId();
    }
    throw new IllegalArgumentException("Not an input record: " + record.getSchema().getName());
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static BehaviourEvent event(JsonNode n) {
    List<Item> items = new ArrayList<>();
    for (JsonNode i : n.path("items")) {
      items.add(
          Item.newBuilder()
              .setSku(required(i, "sku"))
              .setName(text(i, "name"))
              .setPrice(i.hasNonNull("price") ? i.get("price").asDouble() : null)
              .setCurrency(text(i, "currency"))
              .setQuantity(i.path("quantity").asInt(1))
              .setImageUrl(text(i, "image_url"))
              .setProductUrl(text(i, "product_url"))
              .build());
    }
    String channel = text(n, "channel");
    return BehaviourEvent.newBuilder()
        .setEventId(required(n, "event_id"))
        .setEventType(EventType.valueOf(required(n, "event_type")))
        .setOccurredAt(time(n, "occurred_at"))
        .setChannel(channel == null ? null : Channel.valueOf(channel))
        .setAnonymousId(text(n, "anonymous_id"))
        .setDeviceId(text(n, "device_id"))
        .setCustomerId(text(n, "customer_id"))
        .setEmail(text(n, "email"))
        .setAuthenticated(n.path("authenticated").asBoolean(false))
        .setPushToken(text(n, "push_token"))
        .setCartId(text(n, "cart_id"))
        .setOrderId(text(n, "order_id"))
        .setItems(items)
        .build();
  }

  private static CrmProfile profile(JsonNode n) {
    List<String> emails = new ArrayList<>();
    n.path("emails").forEach(e -> emails.add(e.asText()));
    List<String> phones = new ArrayList<>();
    n.path("phones").forEach(p -> phones.add(p.asText()));
    JsonNode consent = n.path("consent");
    return CrmProfile.newBuilder()
        .setCustomerId(required(n, "customer_id"))
        .setEmails(emails)
        .setPhones(phones)
        .setFirstName(text(n, "first_name"))
        .setLocale(text(n, "locale"))
        .setTimeZone(text(n, "time_zone"))
        .setConsent(
            consent.isObject()
                ? Consent.newBuilder()
                    .setEmail(consentState(consent, "email"))
                    .setPush(consentState(consent, "push"))
                    .build()
                : null)
        .setUpdatedAt(time(n, "updated_at"))
        .setDeleted(n.path("deleted").asBoolean(false))
        .build();
  }

  private static IdentityLink link(JsonNode n) {
    JsonNode ids = n.path("identifiers");
    return IdentityLink.newBuilder()
        .setLinkId(required(n, "link_id"))
        .setOccurredAt(time(n, "occurred_at"))
        .setSource(text(n, "source"))
        .setAuthenticated(n.path("authenticated").asBoolean(false))
        .setIdentifiers(
            Identifiers.newBuilder()
                .setCustomerId(text(ids, "customer_id"))
                .setEmail(text(ids, "email"))
                .setPhone(text(ids, "phone"))
                .setDeviceId(text(ids, "device_id"))
                .setAnonymousId(text(ids, "anonymous_id"))
                .build())
        .build();
  }

  private static DeliveryFeedback feedback(JsonNode n) {
    return DeliveryFeedback.newBuilder()
        .setCommandId(required(n, "command_id"))
        .setStatus(FeedbackStatus.valueOf(required(n, "status")))
        .setOccurredAt(time(n, "occurred_at"))
        .build();
  }

  private static ConsentState consentState(JsonNode consent, String channel) {
    String value = text(consent, channel);
    return value == null ? ConsentState.UNKNOWN : ConsentState.valueOf(value);
  }

  private static Instant time(JsonNode n, String field) {
    return OffsetDateTime.parse(required(n, field)).toInstant();
  }

  private static String required(JsonNode n, String field) {
    String value = text(n, field);
    if (value == null) {
      throw new IllegalArgumentException("Missing field " + field);
    }
    return value;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
