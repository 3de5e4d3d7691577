package io.cartjourneys.model;

/** The four inputs. The declaration order is the tie-break order for records with equal times. */
public enum SourceKind {
  PROFILES,
  LINKS,
  EVENTS,
  FEEDBACK;

  /** Name used in dead letters, topics and file names. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
