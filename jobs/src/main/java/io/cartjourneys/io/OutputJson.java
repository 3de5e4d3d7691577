package io.cartjourneys.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cartjourneys.avro.Conversion;
import io.cartjourneys.avro.DeadLetter;
import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.avro.Item;
import io.cartjourneys.avro.Product;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON Lines form of every output record, with the same field names as the Avro schemas.
 * Command times are written in the recipient's zone so that a reader sees local delivery times;
 * other times are UTC.
 */
public final class OutputJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private OutputJson() {}

  public static String command(EngagementCommand c) {
    ZoneId zone = zone(c.getTimeZone());
    ObjectNode n = JSON.createObjectNode();
    n.put("command_id", c.getCommandId());
    n.put("customer_id", c.getCustomerId());
    n.put("channel", c.getChannel().name());
    n.put("recipient", c.getRecipient());
    n.put("template", c.getTemplate());
    n.put("deliver_after", time(c.getDeliverAfter(), zone));
    n.put("expires_at", time(c.getExpiresAt(), zone));
    n.put("journey_id", c.getJourneyId());
    n.put("step", c.getStep());
    ArrayNode items = n.putArray("items");
    for (Item i : c.getItems()) {
      ObjectNode o = items.addObject();
      o.put("sku", i.getSku());
      o.put("name", i.getName());
      if (i.getPrice() == null) {
        o.putNull("price");
      } else {
        o.put("price", i.getPrice());
      }
      o.put("currency", i.getCurrency());
      o.put("quantity", i.getQuantity());
      o.put("image_url", i.getImageUrl());
      o.put("product_url", i.getProductUrl());
    }
    n.put("cart_value", c.getCartValue());
    n.put("currency", c.getCurrency());
    n.put("first_name", c.getFirstName());
    n.put("locale", c.getLocale());
    n.put("time_zone", c.getTimeZone());
    ArrayNode viewed = n.putArray("recently_viewed");
    for (Product p : c.getRecentlyViewed()) {
      ObjectNode o = viewed.addObject();
      o.put("sku", p.getSku());
      o.put("name", p.getName());
      if (p.getPrice() == null) {
        o.putNull("price");
      } else {
        o.put("price", p.getPrice());
      }
      o.put("currency", p.getCurrency());
      o.put("image_url", p.getImageUrl());
      o.put("product_url", p.getProductUrl());
    }
    return n.toString();
  }

  public static String decision(Decision d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("decision_id", d.getDecisionId());
    n.put("customer_id", d.getCustomerId());
    n.put("journey_id", d.getJourneyId());
    n.put(
        "episode_started_at",
        d.getEpisodeStartedAt() == null ? null : time(d.getEpisodeStartedAt(), ZoneOffset.UTC));
    n.put("decided_at", time(d.getDecidedAt(), ZoneOffset.UTC));
    n.put("outcome", d.getOutcome().name());
    n.put("reason", d.getReason());
    if (d.getStep() == null) {
      n.putNull("step");
    } else {
      n.put("step", d.getStep());
    }
    n.put("channel", d.getChannel() == null ? null : d.getChannel().name());
    n.put("command_id", d.getCommandId());
    ObjectNode facts = n.putObject("facts");
    for (Map.Entry<String, String> e : new TreeMap<>(d.getFacts()).entrySet()) {
      facts.put(e.getKey(), e.getValue());
    }
    return n.toString();
  }

  public static String conversion(Conversion c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("customer_id", c.getCustomerId());
    n.put("journey_id", c.getJourneyId());
    n.put("order_id", c.getOrderId());
    n.put("purchased_at", time(c.getPurchasedAt(), ZoneOffset.UTC));
    n.put("millis_since_first_touch", c.getMillisSinceFirstTouch());
    n.put("holdout", c.getHoldout());
    return n.toString();
  }

  public static String deadLetter(DeadLetter d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("source", d.getSource());
    n.put("reason", d.getReason());
    n.put("detail", d.getDetail());
    n.put("received_at", time(d.getReceivedAt(), ZoneOffset.UTC));
    byte[] bytes = new byte[d.getPayload().remaining()];
    d.getPayload().duplicate().get(bytes);
    n.put("payload_base64", Base64.getEncoder().encodeToString(bytes));
    if (isText(bytes)) {
      n.put("payload_text", new String(bytes, StandardCharsets.UTF_8));
    }
    return n.toString();
  }

  private static boolean isText(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0x09 || (b > 0x0d && b < 0x20)) {
        return false;
      }
    }
    return true;
  }

  private static String time(Instant t, ZoneId zone) {
    return ISO.format(t.atZone(zone).toOffsetDateTime());
  }

  private static ZoneId zone(String id) {
    try {
      return id == null ? ZoneOffset.UTC : ZoneId.of(id);
    } catch (RuntimeException e) {
      return ZoneOffset.UTC;
    }
  }
}
