package io.cartjourneys.identity;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The owners of one identifier over time, in the keyed state of an identity stage: the current
 * owner and the event time it took over, and for cookies and devices the owners before it. A record
 * that arrives late, or a candidate for a cart change made before the identifier moved, is thus
 * attributed to the owner of the identifier at that time. Earlier owners are kept for the buffer
 * TTL after they were replaced, and at most {@link #MAX_SPANS} of them.
 */
final class OwnerHistory {
  /** Owner of a span whose customer was erased: records from that span are dropped. */
  static final String ERASED = "x:";

  /** Earlier owners kept per identifier, so a kiosk that changes hands often drops the oldest. */
  static final int MAX_SPANS = 16;

  private final ValueState<String> owner;
  /** Event time the current owner took over (or the last logout), epoch ms. */
  private final ValueState<Long> since;
  /** Event time the current owner last linked the identifier again, epoch ms. */
  private final ValueState<Long> relinked;
  private final ListState<Span> earlier;
  private final ValueState<Long> knownFrom;
  private final boolean keepEarlier;
  private final long keepMillis;

  /**
   * @param keepEarlier whether to remember earlier owners at all (not for emails and phones)
   * @param keepMillis how long after being replaced an earlier owner is remembered
   */
  OwnerHistory(RuntimeContext context, boolean keepEarlier, long keepMillis) {
    this.owner = context.getState(OwnerStage.ownerDescriptor());
    this.since = context.getState(new ValueStateDescriptor<>("owner-since", Long.class));
    this.relinked = context.getState(new ValueStateDescriptor<>("owner-relinked", Long.class));
    this.earlier = context.getListState(new ListStateDescriptor<>("owner-history", Span.class));
    this.knownFrom =
        context.getState(new ValueStateDescriptor<>("owner-history-from", Long.class));
    this.keepEarlier = keepEarlier;
    this.keepMillis = keepMillis;
  }

  /** Returns the current owner: {@code c:} and a customer id, {@code d:} and a device, or null. */
  String current() throws Exception {
    return owner.value();
  }

  /** True when the identifier never had an owner, or all of it was cleared. */
  boolean isEmpty() throws Exception {
    return owner.value() == null && since.value() == null;
  }

  /** Returns the event time of the last change of owner, or null if there never was one. */
  Long since() throws Exception {
    return since.value();
  }

  /**
   * True when a link or logout at {@code time} is older than the current owner's latest link or
   * than the last logout, and so must not change the owner.
   */
  boolean isBefore(long time) throws Exception {
    Long s = since.value();
    Long r = relinked.value();
    return (s != null && time < s) || (r != null && time < r);
  }

  /** Makes {@code next} (null for none) the owner from {@code at} on. */
  void change(String next, long at) throws Exception {
    String previous = owner.value();
    Long previousSince = since.value();
    if (keepEarlier && previousSince != null) {
      List<Span> spans = spans(false);
      spans.add(new Span(previousSince, previous));
      int drop = Math.max(0, spans.size() - MAX_SPANS);
      // A span ends where the next one starts, and the last one ends now.
      while (drop < spans.size() && end(spans, drop, at) < at - keepMillis) {
        drop++;
      }
      if (drop > 0) {
        knownFrom.update(drop < spans.size() ? spans.get(drop).since : at);
      }
      earlier.update(new ArrayList<>(spans.subList(drop, spans.size())));
    }
    if (next == null) {
      owner.clear();
    } else {
      owner.update(next);
    }
    since.update(at);
    relinked.clear();
  }

  /** Records that the current owner linked the identifier again at {@code at}. */
  void confirm(long at) throws Exception {
    Long s = since.value();
    Long r = relinked.value();
    if ((s == null || at > s) && (r == null || at > r)) {
      relinked.update(at);
    }
  }

  /**
   * Erases a customer: the current owner is cleared if it is them, and every span of theirs is
   * marked {@link #ERASED}, so that nothing keeps their id and late records from their time are
   * dropped rather than given to someone else.
   */
  boolean erase(String target, long at) throws Exception {
    boolean changed = false;
    if (keepEarlier) {
      List<Span> spans = spans(false);
      for (Span s : spans) {
        if (target.equals(s.owner)) {
          s.owner = ERASED;
          changed = true;
        }
      }
      if (changed) {
        earlier.update(spans);
      }
    }
    if (target.equals(owner.value())) {
      if (keepEarlier) {
        owner.update(ERASED);
        change(null, at);
      } else {
        owner.clear();
        since.clear();
        relinked.clear();
      }
      return true;
    }
    return changed;
  }

  /**
   * Returns who owned the identifier at {@code time}. Before the first owner, or after a logout,
   * a record would have waited for the next owner, so that owner is returned with the time it
   * took over. The caller drops the record if it would have expired by then.
   */
  Lookup ownerAt(long time) throws Exception {
    Long s = since.value();
    if (s == null || time >= s) {
      String current = owner.value();
      return current == null ? Lookup.HOLD : new Lookup(current, 0);
    }
    Long from = knownFrom.value();
    if (from != null && time < from) {
      return Lookup.UNKNOWN;
    }
    List<Span> spans = spans(true);
    int at = -1;
    for (int i = 0; i < spans.size(); i++) {
      if (spans.get(i).since <= time) {
        at = i;
      }
    }
    if (at >= 0 && spans.get(at).owner != null) {
      return new Lookup(spans.get(at).owner, 0);
    }
    for (int i = at + 1; i < spans.size(); i++) {
      if (spans.get(i).owner != null) {
        return new Lookup(spans.get(i).owner, spans.get(i).since);
      }
    }
    return Lookup.HOLD;
  }

  /** Drops everything, for an identifier whose state expires. */
  void clear() {
    owner.clear();
    since.clear();
    relinked.clear();
    earlier.clear();
    knownFrom.clear();
  }

  private List<Span> spans(boolean withCurrent) throws Exception {
    List<Span> spans = new ArrayList<>();
    Iterable<Span> stored = earlier.get();
    if (stored != null) {
      for (Span s : stored) {
        spans.add(s);
      }
    }
    if (withCurrent && since.value() != null) {
      spans.add(new Span(since.value(), owner.value()));
    }
    return spans;
  }

  private static long end(List<Span> spans, int i, long now) {
    return i + 1 < spans.size() ? spans.get(i + 1).since : now;
  }

  /** The owner of the identifier from {@code since} until the next span starts. */
  public static class Span {
    /** Event time the owner took over, epoch ms. */
    public long since;

    /** As in {@link OwnerHistory#current()}, or null after a logout, or {@link #ERASED}. */
    public String owner;

    public Span() {}

    Span(long since, String owner) {
      this.since = since;
      this.owner = owner;
    }
  }

  /** The result of {@link #ownerAt}: an owner, or HOLD (none yet), or UNKNOWN (forgotten). */
  record Lookup(String owner, long linkedAt) {
    static final Lookup HOLD = new Lookup(null, 0);
    static final Lookup UNKNOWN = new Lookup(null, -1);

    boolean isUnknown() {
      return linkedAt < 0;
    }
  }
}
