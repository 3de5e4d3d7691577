package io.cartjourneys.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Deterministic identifiers. The same input gives the same ids after a restart or a replay, which
 * is what lets gateways use command ids as idempotency keys.
 */
public final class Ids {
  private Ids() {}

  /** First 16 bytes of SHA-256 over the parts joined by a separator, as hex. */
  public static String hash(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x1f);
      }
      byte[] digest = md.digest();
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A journey is one entered cart episode of one person. */
  public static String journeyId(String customerId, long episodeStartedAt) {
    return "j-" + hash("journey", customerId, Long.toString(episodeStartedAt)).substring(0, 20);
  }

  /**
   * Command ids carry the customer id (base64url) so that delivery feedback, which names only the
   * command, can be routed back to its person without a lookup.
   */
  public static String commandId(String customerId, String journeyId, int step) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(customerId.getBytes(StandardCharsets.UTF_8))
        + "." + journeyId + ".s" + step;
  }

  /** The customer id inside a command id, or null if the id is not one of ours. */
  public static String customerOfCommand(String commandId) {
    if (commandId == null) {
      return null;
    }
    int dot = commandId.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(commandId.substring(0, dot)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The journey id inside a command id, or null. */
  public static String journeyOfCommand(String commandId) {
    if (commandId == null) {
      return null;
    }
    String[] parts = commandId.split("\\.");
    return parts.length == 3 ? parts[1] : null;
  }

  /** The step inside a command id, or 0. */
  public static int stepOfCommand(String commandId) {
    if (commandId == null) {
      return 0;
    }
    String[] parts = commandId.split("\\.");
    if (parts.length != 3 || !parts[2].startsWith("s")) {
      return 0;
    }
    try {
      return Integer.parseInt(parts[2].substring(1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Stable share in [0, 100) for holdout assignment. */
  public static double percentile(String customerId) {
    String h = hash("holdout", customerId);
    long v = Long.parseLong(h.substring(0, 12), 16);
    return (v % 1_000_000L) / 10_000.0;
  }
}
