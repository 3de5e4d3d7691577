package io.cartjourneys.io.rees46;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts kept by a {@link Rees46Reader} over the rows it has read so far. Cart figures follow the
 * rows in file order: an episode starts with a customer's first cart change or with the first cart
 * change after their last purchase.
 */
public final class Rees46Stats {
  long rowsRead;
  long rowsAccepted;
  long customers;
  long customersWithCart;
  long cartEpisodes;
  long firstEventAt = Long.MAX_VALUE;
  long lastEventAt = Long.MIN_VALUE;
  final EnumMap<Rees46Reader.Rejection, Long> rejected =
      new EnumMap<>(Rees46Reader.Rejection.class);
  final TreeMap<String, Long> eventsByType = new TreeMap<>();

  /** Data rows read, the header and blank lines excluded. */
  public long rowsRead() {
    return rowsRead;
  }

  /** Rows mapped to a behaviour event. */
  public long rowsAccepted() {
    return rowsAccepted;
  }

  public long rowsRejected() {
    return rowsRead - rowsAccepted;
  }

  /** Rejected rows per reason, in the declaration order of the reasons; zero counts left out. */
  public Map<Rees46Reader.Rejection, Long> rejectedByReason() {
    return Collections.unmodifiableMap(rejected);
  }

  public long rejected(Rees46Reader.Rejection reason) {
    return rejected.getOrDefault(reason, 0L);
  }

  /** Accepted rows per contract event type, such as ADD_TO_CART. */
  public Map<String, Long> eventsByType() {
    return Collections.unmodifiableMap(eventsByType);
  }

  /** Distinct user ids among accepted rows; each got one synthesized CRM profile. */
  public long customers() {
    return customers;
  }

  /** Distinct customers with at least one ADD_TO_CART or REMOVE_FROM_CART row. */
  public long customersWithCart() {
    return customersWithCart;
  }

  public long cartEpisodes() {
    return cartEpisodes;
  }

  /** Records the reader yields: one profile per customer plus one event per accepted row. */
  public long recordsEmitted() {
    return customers + rowsAccepted;
  }

  /** Smallest event time of an accepted row in epoch ms, or {@code Long.MAX_VALUE} if none. */
  public long firstEventAt() {
    return firstEventAt;
  }

  /** Largest event time of an accepted row in epoch ms, or {@code Long.MIN_VALUE} if none. */
  public long lastEventAt() {
    return lastEventAt;
  }

  void reject(Rees46Reader.Rejection reason) {
    rejected.merge(reason, 1L, Long::sum);
  }
}
