package io.cartjourneys.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifierRulesTest {
  private final IdentifierRules rules = new IdentifierRules(List.of("c-blocked"));

  @Test
  void controlAndDirectionCharactersAreRejected() {
    for (String id :
        List.of(
            "c-\u200fmark",
            "c-\u200emark",
            "c-nul\u0000",
            "\u0007c-bell",
            "c-\u202eoverride",
            "c-\u2066isolate",
            "c-half\ud800",
            "c-\udc00half",
            "c-\ufffdbroken")) {
      assertThat(rules.rejectReason(id)).as(id).isEqualTo("invalid-characters");
    }
  }

  @Test
  void emojiAndOtherScriptsAreAccepted() {
    assertThat(rules.rejectReason("c-🛒-1")).isNull();
    assertThat(rules.rejectReason("k-अनन्या")).isNull();
    assertThat(rules.rejectEmail("ananya@उदाहरण.भारत")).isNull();
  }

  @Test
  void overlongIdentifierIsRejected() {
    assertThat(rules.rejectReason("c".repeat(IdentifierRules.MAX_CHARS))).isNull();
    assertThat(rules.rejectReason("c".repeat(IdentifierRules.MAX_CHARS + 1)))
        .isEqualTo("identifier-too-long");
  }

  @Test
  void emailWithInnerWhiteSpaceIsMalformed() {
    assertThat(rules.rejectEmail(" Ananya@Example.com ")).isNull();
    assertThat(rules.rejectEmail("ana nya@example.com")).isEqualTo("malformed-email");
    assertThat(rules.rejectEmail("ananya@example.com\u00a0x")).isEqualTo("malformed-email");
    assertThat(rules.rejectEmail("ananya@example.com\u200f")).isEqualTo("invalid-characters");
  }

  @Test
  void blockListIsCaseInsensitive() {
    assertThat(rules.rejectReason("C-Blocked")).isEqualTo("blocked-identifier");
  }
}
