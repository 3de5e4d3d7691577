package io.cartjourneys.decide;

import io.cartjourneys.model.CartItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the decide stage knows about one person. A Flink POJO, so fields can be added
 * without breaking savepoints.
 */
public class PersonState {
  public static final long NEVER = Long.MIN_VALUE;

  // CRM profile
  public boolean hasProfile;
  public long profileUpdatedAt = NEVER;
  public boolean erased;
  public String profileZone;
  public Contact contact = new Contact();
  /** The email a BOUNCED feedback reported; not used again until the profile changes it. */
  public String bouncedEmail;

  // Cart: changes since the last purchase, in any arrival order.
  public List<CartChange> changes = new ArrayList<>();
  public long lastPurchaseAt = NEVER;

  // Activity
  public long lastEventAt = NEVER;
  public String lastEventChannel;
  public long pushTokenAt = NEVER;
  public List<CartItem> viewed = new ArrayList<>();
  public List<Long> viewedAt = new ArrayList<>();

  // Journeys
  public long lastFirstTouchAt = NEVER;
  public long lastDecidedChangeAt = NEVER;

  public PersonState() {}

  /** One item line of one cart event. */
  public static class CartChange {
    public long time;
    public String type;
    public CartItem item;

    public CartChange() {}

    public CartChange(long time, String type, CartItem item) {
      this.time = time;
      this.type = type;
      this.item = item;
    }
  }

  /** Time of the newest cart change after the last purchase, or NEVER. */
  public long lastChangeAt() {
    long t = NEVER;
    for (CartChange c : changes) {
      if (c.time > lastPurchaseAt) {
        t = Math.max(t, c.time);
      }
    }
    return t;
  }

  /** Time of the first cart change after the last purchase, or NEVER. */
  public long episodeStartedAt() {
    long t = Long.MAX_VALUE;
    for (CartChange c : changes) {
      if (c.time > lastPurchaseAt) {
        t = Math.min(t, c.time);
      }
    }
    return t == Long.MAX_VALUE ? NEVER : t;
  }

  /** The cart now: adds minus removes after the last purchase, lines with quantity above zero. */
  public List<CartItem> cart() {
    List<CartChange> ordered = new ArrayList<>(changes);
    ordered.sort((a, b) -> Long.compare(a.time, b.time));
    Map<String, CartItem> lines = new LinkedHashMap<>();
    for (CartChange c : ordered) {
      if (c.time <= lastPurchaseAt || c.item == null) {
        continue;
      }
      if ("ADD_TO_CART".equals(c.type)) {
        CartItem line = lines.get(c.item.sku);
        int qty = (line == null ? 0 : line.quantity) + Math.max(0, c.item.quantity);
        CartItem updated = c.item.copy();
        updated.quantity = qty;
        lines.put(c.item.sku, updated);
      } else if ("REMOVE_FROM_CART".equals(c.type)) {
        CartItem line = lines.get(c.item.sku);
        if (line != null) {
          line.quantity -= Math.max(0, c.item.quantity);
          if (line.quantity <= 0) {
            lines.remove(c.item.sku);
          }
        }
      }
    }
    return new ArrayList<>(lines.values());
  }
}
