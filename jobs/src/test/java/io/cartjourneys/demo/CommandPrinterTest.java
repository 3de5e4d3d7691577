package io.cartjourneys.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cartjourneys.avro.CommandChannel;
import io.cartjourneys.avro.EngagementCommand;
import io.cartjourneys.avro.Item;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandPrinterTest {

  @Test
  void emailMaskedToInitialAndDomain() {
    assertThat(CommandPrinter.mask(CommandChannel.EMAIL, "ananya@example.com"))
        .isEqualTo("a***@example.com");
  }

  @Test
  void pushTokenMaskedToPrefix() {
    assertThat(CommandPrinter.mask(CommandChannel.PUSH, "tok-ananya-1"))
        .matches("tok-(\u2026|\\.\\.\\.)");
  }

  @Test
  void shortOrMissingRecipientFullyMasked() {
    assertThat(CommandPrinter.mask(CommandChannel.PUSH, "abc")).doesNotContain("abc");
    assertThat(CommandPrinter.mask(CommandChannel.EMAIL, "@x.org")).doesNotContain("@x.org");
    assertThat(CommandPrinter.mask(CommandChannel.EMAIL, null)).isEqualTo("-");
  }

  @Test
  void lineShowsLocalDeliveryTime() {
    EngagementCommand command =
        EngagementCommand.newBuilder()
            .setCommandId("cmd-2")
            .setCustomerId("k-1001")
            .setChannel(CommandChannel.EMAIL)
            .setRecipient("ananya@example.com")
            .setTemplate("cart-abandoned-follow-up")
            .setDeliverAfter(Instant.parse("2026-03-15T02:30:00Z"))
            .setExpiresAt(Instant.parse("2026-03-15T08:30:00Z"))
            .setJourneyId("j-1")
            .setStep(2)
            .setItems(
                List.of(
                    Item.newBuilder().setSku("SHOE-123").build(),
                    Item.newBuilder().setSku("BAG-789").build()))
            .setTimeZone("Asia/Kolkata")
            .build();

    String line = CommandPrinter.line(command);

    assertThat(line)
        .matches(
            "EMAIL +k-1001 +a\\*\\*\\*@example\\.com +deliver after 2026-03-15 08:00 \\+05:30"
                + " Asia/Kolkata +step 2 +skus SHOE-123,BAG-789");
  }
}
