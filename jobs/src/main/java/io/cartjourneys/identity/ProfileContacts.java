package io.cartjourneys.identity;

import io.cartjourneys.model.Signal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.util.Collector;

/**
 * Keyed by customer, for CRM profiles only: remembers which emails and phones the customer's newest
 * profile lists and turns each profile version into contact copies for the contact stage. A listed
 * address gets a claim copy. An address the previous version listed and this one does not gets an
 * unlist copy, so that the contact stage can hand it to another profile. An erasing profile unlists
 * everything and leaves a marker, after which the customer's profiles are dropped here.
 *
 * <p>The contact stage is keyed by address and cannot look up what a customer listed before, so
 * this per-customer memory is what lets an address leave a customer at all.
 */
public class ProfileContacts extends EventTimeOrdered<Signal> {
  private static final long serialVersionUID = 1L;

  private transient ValueState<Listed> listed;

  /** Profiles are keyed by their customer, and other records pass through. */
  public static String key(Signal s) {
    if (s.kind == Signal.Kind.PROFILE && s.contactKey == null) {
      return "c:" + s.customerId;
    }
    return PASS + s.id;
  }

  /** Returns the descriptor of the addresses a customer's newest profile lists. */
  public static ValueStateDescriptor<Listed> listedDescriptor() {
    return new ValueStateDescriptor<>("listed", Listed.class);
  }

  @Override
  public void open(OpenContext context) throws Exception {
    super.open(context);
    listed = getRuntimeContext().getState(listedDescriptor());
  }

  @Override
  protected void pass(Signal s, Collector<Signal> out) {
    out.collect(s);
  }

  @Override
  protected void handle(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    Listed before = listed.value();
    if (before == null) {
      before = new Listed();
    }
    if (before.erased) {
      return; // an erased customer stays erased: later profiles change nothing
    }
    if (s.time < before.updatedAt) {
      out.collect(s); // an older version: the decide stage ignores it, and it claims nothing
      return;
    }
    List<String> now = new ArrayList<>();
    for (String e : s.emails) {
      now.add("e:" + e);
    }
    for (String p : s.phones) {
      now.add("p:" + p);
    }
    List<String> dropped = new ArrayList<>();
    for (String k : before.keys) {
      if (s.deleted || !now.contains(k)) {
        dropped.add(k);
      }
    }
    if (s.deleted) {
      // The erasing record may list addresses this stage never saw (state from an older build).
      for (String k : now) {
        if (!dropped.contains(k)) {
          dropped.add(k);
        }
      }
      now.clear();
    }
    for (String k : dropped) {
      out.collect(copy(s, k, true));
    }
    for (String k : now) {
      out.collect(copy(s, k, false));
    }
    Listed after = new Listed();
    after.updatedAt = s.time;
    after.erased = s.deleted;
    after.keys = now;
    listed.update(after);
    out.collect(s);
  }

  private static Signal copy(Signal profile, String contactKey, boolean unlisted) {
    Signal c = profile.copy();
    c.contactKey = contactKey;
    c.unlisted = unlisted;
    return c;
  }

  /** The addresses of a customer's newest profile, as contact keys ({@code e:} or {@code p:}). */
  public static class Listed {
    /** updated_at of the newest profile applied, epoch ms. */
    public long updatedAt = Long.MIN_VALUE;

    /** True once a profile with {@code deleted: true} was applied. */
    public boolean erased;

    public List<String> keys = new ArrayList<>();

    public Listed() {}
  }
}
