package io.cartjourneys.decide;

import io.cartjourneys.model.CartItem;
import java.util.ArrayList;
import java.util.List;

/** What the decide stage tells the orchestrator about one person, in event-time order. */
public class JourneyEvent {
  public Type type;
  public String customerId;
  /** When it happened, epoch ms: the purchase's or feedback's own time, say. */
  public long time;

  /**
   * When the orchestrator applies it, epoch ms: the order time of the record that caused it. Equal
   * to {@link #time} unless that record was late or held.
   */
  public long at;

  // START, and for CART the journey whose cart changed
  public String journeyId;
  public long episodeStartedAt;
  public long lastChangeAt;
  public long decidedAt;
  /** Planned first touch, after the first-touch delay and quiet hours. */
  public long firstTouchAt;
  /** PUSH or EMAIL. */
  public String channel;
  public boolean holdout;

  // START and CART: the cart after the change, and recently viewed products not in it
  public List<CartItem> cart = new ArrayList<>();
  public List<CartItem> viewed = new ArrayList<>();

  // START and FACTS
  public Contact contact;

  // PURCHASE
  public String orderId;

  // FEEDBACK; for WITHDRAWN, status is the cause (consent-withdrawn or unsubscribed) and channel
  // the channel that was lost (EMAIL, PUSH, or ALL when the command's channel is unknown).
  public String commandId;
  public String status;

  public JourneyEvent() {}

  public enum Type {
    START,
    FACTS,
    PURCHASE,
    CART_EMPTIED,
    ERASED,
    FEEDBACK,
    /** Consent on a channel was lost: every active journey of the person ends at once. */
    WITHDRAWN,
    /**
     * The cart of an entered episode changed and is not empty: steps not yet sent show it. New
     * values go last, so that the enum serializer keeps reading older state.
     */
    CART
  }

  public static JourneyEvent of(Type type, String customerId, long time) {
    JourneyEvent e = new JourneyEvent();
    e.type = type;
    e.customerId = customerId;
    e.time = time;
    e.at = time;
    return e;
  }
}
