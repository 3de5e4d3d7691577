package io.cartjourneys.demo;

import io.cartjourneys.avro.CommandChannel;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.avro.Item;
import java.nio.charset.Charset;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/**
 * One readable line per engagement command, with the recipient masked: the first letter of an
 * email's local part and its domain ({@code a***@example.com}), the first four characters of a push
 * token.
 */
public final class CommandPrinter {
  private static final DateTimeFormatter LOCAL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx");

  /** Three dots stand for the typographic ellipsis when the console cannot encode it. */
  private static final String ELLIPSIS =
      Charset.defaultCharset().newEncoder().canEncode('\u2026') ? "\u2026" : "...";

  private CommandPrinter() {}

  /**
   * Formats a command as channel, customer, masked recipient, local deliver-after time with its
   * zone, step and the SKUs in the cart.
   */
  public static String line(EngagementCommand c) {
    ZoneId zone = zone(c.getTimeZone());
    String skus = c.getItems().stream().map(Item::getSku).collect(Collectors.joining(","));
    return String.format(
        "%-5s  %-8s  %-22s  deliver after %s %s  step %d  skus %s",
        c.getChannel(),
        c.getCustomerId(),
        mask(c.getChannel(), c.getRecipient()),
        LOCAL_TIME.format(c.getDeliverAfter().atZone(zone)),
        zone.getId(),
        c.getStep(),
        skus);
  }

  /** Masks a recipient address so that a printed command shows no personal data. */
  public static String mask(CommandChannel channel, String recipient) {
    if (recipient == null || recipient.isEmpty()) {
      return "-";
    }
    int at = recipient.lastIndexOf('@');
    if (channel == CommandChannel.EMAIL && at > 0) {
      return recipient.charAt(0) + "***" + recipient.substring(at);
    }
    return recipient.length() <= 4 ? ELLIPSIS : recipient.substring(0, 4) + ELLIPSIS;
  }

  private static ZoneId zone(String id) {
    try {
      return id == null ? ZoneOffset.UTC : ZoneId.of(id);
    } catch (DateTimeException e) {
      return ZoneOffset.UTC;
    }
  }
}
