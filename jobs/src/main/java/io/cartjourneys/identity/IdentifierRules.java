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
 * Which identifier values may link anything. Placeholder strings, all-zero ids, malformed emails,
 * values with control or direction-changing characters, and configured blocked values are refused,
 * so that one bad value cannot join strangers.
 */
public final class IdentifierRules implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Set<String> PLACEHOLDERS =
      Set.of("", "null", "undefined", "unknown", "none", "nil", "nan", "n/a", "0", "-1", "anonymous");

  /** Longer values are refused; the decoder already drops identifiers above this length. */
  public static final int MAX_CHARS = 256;

  private final Set<String> blocked = new HashSet<>();
  private final String defaultRegion;

  /**
   * The last phone number parsed. The sanitizer checks a number with {@link #rejectPhone} and then
   * normalizes it, and libphonenumber's parse is costly enough to show in profiles. Immutable, so
   * a reader on another thread sees either the old or the new pair.
   */
  private transient PhoneMemo lastPhone;

  private record PhoneMemo(String raw, String normalized) {}

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
    PhoneMemo memo = lastPhone;
    if (memo != null && memo.raw().equals(raw)) {
      return memo.normalized();
    }
    String normalized = parsePhone(raw);
    lastPhone = new PhoneMemo(raw, normalized);
    return normalized;
  }

  private String parsePhone(String raw) {
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
    if (value.length() > MAX_CHARS) {
      return "identifier-too-long";
    }
    if (hasUnsafeCharacters(value)) {
      return "invalid-characters";
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

  /** One {@code @}, a non-empty local part, a domain with an inner dot, and no white space. */
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
    if (dot <= 0 || dot >= domain.length() - 1) {
      return false;
    }
    for (int i = 0; i < email.length(); i++) {
      char c = email.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when the value holds a control character (NUL and other C0 or C1 codes), a
   * direction mark, embedding, override or isolate (which make one id display as another), a
   * replacement character (left by a broken encoding) or half of a surrogate pair. No real
   * identifier contains these; emoji and other letters are fine.
   */
  static boolean hasUnsafeCharacters(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isISOControl(c)
          || c == '\u061C'
          || c == '\u200E'
          || c == '\u200F'
          || (c >= '\u202A' && c <= '\u202E')
          || (c >= '\u2066' && c <= '\u2069')
          || c == '\uFFFD') {
        return true;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= v.length() || !Character.isLowSurrogate(v.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
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
