package io.cartjourneys.ingest;

/** A record that cannot be processed at all; the reason becomes the dead letter's reason. */
public class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public DecodeException(String reason, String detail) {
    super(reason + (detail == null ? "" : ": " + detail));
    this.reason = reason;
  }

  /** A short stable code such as {@code invalid-json} or {@code missing-event-type}. */
  public String reason() {
    return reason;
  }
}
