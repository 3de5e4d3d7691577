package io.cartjourneys.loadgen;

/** Counts of the records one generator run wrote, also stored in {@code manifest.json}. */
public class LoadCounts {
  public long knownPersons;
  public long appPersons;
  public long sessions;
  public long profiles;
  public long erasures;
  /** Distinct, decodable events; duplicates and malformed lines are counted apart. */
  public long events;
  public long duplicates;
  public long malformed;
  public long outOfOrder;
  public long lateBatched;
  public long links;
  public long logins;
  public long carts;
  public long purchases;

  /** Returns the number of non-blank lines in the three files. */
  public long lines() {
    return profiles + events + duplicates + malformed + links;
  }
}
