package io.cartjourneys.identity;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which identifier values may link anything. Placeholder strings, all-zero ids, malformed emails
 * and configured blocked values are refused, so that one bad value cannot join strangers.
 */
public final class IdentifierRules implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Set<String> PLACEHOLDERS =
      Set.of("", "null", "undefined", "unknown", "none", "nil", "nan", "n/a", "0", "-1", "anonymous");

  private final Set<String> blocked = new HashSet<>();
  private final String defaultRegion;

  public IdentifierRules(List<String> blockList, String defaultPhoneRegion) {
    for (String b : blockList) {
      blocked.add(b.trim().toLowerCase(Locale.ROOT));
    }
    this.defaultRegion = defaultPhoneRegion;
  }

  public IdentifierRules(List<String> blockList) {
    this(blockList, "US");
  }

  /**
   * The phone number in E.164 form, or null when it is not a valid number. Numbers without a
   * country code are read in the configured default region.
   */
  public String normalizePhone(String raw) {
    if (raw == null || rejectReason(raw) != null) {
      return null;
    }
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    try {
      Phonenumber.PhoneNumber number = util.parse(raw.trim(), defaultRegion);
      if (!util.isValidNumber(number)) {
        return null;
      }
      String e164 = util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
      return blocked.contains(e164) ? null : e164;
    } catch (NumberParseException e) {
      return null;
    }
  }

  /** Null when the phone is usable, else the reason it is refused. */
  public String rejectPhone(String raw) {
    String r = rejectReason(raw);
    if (r != null) {
      return r;
    }
    return normalizePhone(raw) == null ? "malformed-phone" : null;
  }

  /** Null when the value is usable, else the reason it is refused. */
  public String rejectReason(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (PLACEHOLDERS.contains(v)) {
      return "placeholder-identifier";
    }
    if (isAllZero(v)) {
      return "all-zero-identifier";
    }
    if (blocked.contains(v)) {
      return "blocked-identifier";
    }
    return null;
  }

  /** Null when the email is usable, else the reason it is refused. */
  public String rejectEmail(String email) {
    String r = rejectReason(email);
    if (r != null) {
      return r;
    }
    return isValidEmail(normalizeEmail(email)) ? null : "malformed-email";
  }

  public static String normalizeEmail(String email) {
    return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
  }

  /** One {@code @}, a non-empty local part and a domain with an inner dot. */
  public static boolean isValidEmail(String email) {
    if (email == null) {
      return false;
    }
    int at = email.indexOf('@');
    if (at <= 0 || at != email.lastIndexOf('@')) {
      return false;
    }
    String domain = email.substring(at + 1);
    int dot = domain.indexOf('.');
    return dot > 0 && dot < domain.length() - 1 && !domain.contains(" ") && !email.contains(" ");
  }

  private static boolean isAllZero(String v) {
    boolean digit = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '0') {
        digit = true;
      } else if (c != '-' && c != '_' && c != ':' && c != '.') {
        return false;
      }
    }
    return digit;
  }
}
