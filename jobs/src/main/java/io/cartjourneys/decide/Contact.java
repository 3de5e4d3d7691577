package io.cartjourneys.decide;

import java.util.Objects;

/** What it takes to reach a person, as of the latest applied record. Personal data: never log. */
public class Contact {
  /** First profile email, trimmed and lower-cased; null when none or bounced. */
  public String email;
  /** Newest push token from an authenticated event of this customer. */
  public String pushToken;
  public String emailConsent = "UNKNOWN";
  public String pushConsent = "UNKNOWN";
  /** Resolved IANA zone id (the default zone when the profile's is missing or unknown). */
  public String timeZone;
  public String firstName;
  public String locale;

  public Contact() {}

  public Contact copy() {
    Contact c = new Contact();
    c.email = email;
    c.pushToken = pushToken;
    c.emailConsent = emailConsent;
    c.pushConsent = pushConsent;
    c.timeZone = timeZone;
    c.firstName = firstName;
    c.locale = locale;
    return c;
  }

  public boolean emailAllowed() {
    return email != null && "OPTED_IN".equals(emailConsent);
  }

  public boolean pushAllowed() {
    return pushToken != null && "OPTED_IN".equals(pushConsent);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Contact c
        && Objects.equals(email, c.email)
        && Objects.equals(pushToken, c.pushToken)
        && Objects.equals(emailConsent, c.emailConsent)
        && Objects.equals(pushConsent, c.pushConsent)
        && Objects.equals(timeZone, c.timeZone)
        && Objects.equals(firstName, c.firstName)
        && Objects.equals(locale, c.locale);
  }

  @Override
  public int hashCode() {
    return Objects.hash(email, pushToken, timeZone);
  }
}
