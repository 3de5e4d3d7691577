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

  /**
   * Consent per channel as the last profile stated it, before unsubscribes; null before the first
   * profile. The effective consent is in {@link #contact}.
   */
  public String profileEmailConsent;

  public String profilePushConsent;

  /**
   * Set by UNSUBSCRIBED feedback on a command of the channel. Keeps the channel opted out until a
   * profile states a different consent for it than the one before, so that a profile update that
   * only repeats the old consent does not undo the unsubscribe.
   */
  public boolean emailUnsubscribed;

  public boolean pushUnsubscribed;

  // Cart: changes since the last purchase, in any arrival order.
  public List<CartChange> changes = new ArrayList<>();
  public long lastPurchaseAt = NEVER;

  // Activity
  public long lastEventAt = NEVER;
  public String lastEventChannel;
  public long pushTokenAt = NEVER;

  /**
   * Push tokens by the cookie or device they were given on, newest first, at most {@link
   * #MAX_TOKEN_SOURCES}. An entry without a token marks an identifier that left the person at its
   * time, so that an older token from it arriving late is not taken up again.
   */
  public List<TokenSource> pushTokens = new ArrayList<>();
  public List<CartItem> viewed = new ArrayList<>();
  public List<Long> viewedAt = new ArrayList<>();

  // Journeys
  public long lastFirstTouchAt = NEVER;
  public long lastDecidedChangeAt = NEVER;

  /**
   * The newest journeys entered (holdout included), oldest first, at most {@link #KEPT_JOURNEYS}.
   */
  public List<EnteredJourney> journeys = new ArrayList<>();

  /**
   * Entered journeys kept for routing feedback to a channel and for the one-journey-per-episode
   * rule. With the default re-entry cooldown of 7 days this covers about five weeks.
   */
  public static final int KEPT_JOURNEYS = 5;

  public PersonState() {}

  /** One journey the person entered, as far as the decide stage needs to remember it. */
  public static class EnteredJourney {
    public String journeyId;
    public long episodeStartedAt;

    /** Channel of step 1: PUSH or EMAIL. Step 2 is always EMAIL. */
    public String channel;

    /** Planned time of step 1, epoch ms, or 0 in state written before this field existed. */
    public long firstTouchAt;

    /**
     * For a push journey, the person's push token as of {@link #firstTouchAt}: the token step 1
     * goes to, and the one a TOKEN_INVALID feedback on it reports. Null if unknown.
     */
    public String pushToken;

    public EnteredJourney() {}

    public EnteredJourney(String journeyId, long episodeStartedAt, String channel) {
      this.journeyId = journeyId;
      this.episodeStartedAt = episodeStartedAt;
      this.channel = channel;
    }
  }

  /** Remembers an entered journey, dropping the oldest beyond {@link #KEPT_JOURNEYS}. */
  public void entered(EnteredJourney j) {
    journeys.add(j);
    while (journeys.size() > KEPT_JOURNEYS) {
      journeys.remove(0);
    }
  }

  /**
   * Returns the journey entered for the current cart episode, or null. An episode runs from the
   * first cart change after a purchase to the next purchase, so a journey whose episode started
   * after the last purchase belongs to it.
   */
  public EnteredJourney journeyOfCurrentEpisode() {
    for (int i = journeys.size() - 1; i >= 0; i--) {
      EnteredJourney j = journeys.get(i);
      if (j.episodeStartedAt > lastPurchaseAt) {
        return j;
      }
    }
    return null;
  }

  /** Returns the kept journey with this id, or null. */
  public EnteredJourney journey(String journeyId) {
    for (EnteredJourney j : journeys) {
      if (j.journeyId.equals(journeyId)) {
        return j;
      }
    }
    return null;
  }

  /** Returns the channel of a command of a kept journey: EMAIL, PUSH, or null if unknown. */
  public String channelOfCommand(String journeyId, int step) {
    if (step == 2) {
      return "EMAIL";
    }
    EnteredJourney j = step == 1 ? journey(journeyId) : null;
    return j == null ? null : j.channel;
  }

  /** Cookies and devices whose push tokens are remembered per person, the oldest going first. */
  public static final int MAX_TOKEN_SOURCES = 20;

  /** The push token last given on one identifier by an authenticated event of the person. */
  public static class TokenSource {
    /** {@code d:} and a device id, {@code a:} and a cookie, or empty when the event had neither. */
    public String identifier;

    /** Null once the identifier left the person or the token was reported invalid. */
    public String token;

    /** Time of the event that gave the token, or that ended it, epoch ms. */
    public long at;

    public TokenSource() {}

    public TokenSource(String identifier, String token, long at) {
      this.identifier = identifier;
      this.token = token;
      this.at = at;
    }
  }

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

  /** True for the state of a person of whom no record has been applied. */
  public boolean isEmpty() {
    return !hasProfile
        && !erased
        && changes.isEmpty()
        && lastPurchaseAt == NEVER
        && lastEventAt == NEVER
        && pushTokenAt == NEVER
        && viewed.isEmpty()
        && lastFirstTouchAt == NEVER
        && lastDecidedChangeAt == NEVER
        && profileEmailConsent == null
        && profilePushConsent == null
        && !emailUnsubscribed
        && !pushUnsubscribed
        && journeys.isEmpty();
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
