package io.cartjourneys.identity;

import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.Outcome;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.LabelledCounter;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.model.Audit;
import io.cartjourneys.model.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Caps how many devices and cookies one customer can collect, keyed by customer ahead of the
 * cookie and device stages. A shared kiosk or a bot replaying one login on thousands of cookies
 * would otherwise pull them all into one person. An identifier over the limit is removed from the
 * record, with an audit record, so that it links nothing; the rest of the record still counts.
 *
 * <p>The devices and cookies kept here are also the customer's side of the identity graph: when
 * the customer's profile is erased, this stage sends an erasure copy of the profile to each of
 * them, so that the cookie and device stages clear their pointers at the customer, and from then
 * on it removes both kinds of identifier from the customer's records.
 */
public class LinkLimits extends EventTimeOrdered<Signal> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<Decision> AUDIT = new OutputTag<>("limits-audit") {};

  private final int maxDevices;
  private final int maxCookies;
  private final long windowMillis;
  private transient MapState<String, Long> devices;
  private transient MapState<String, Long> cookies;
  /** True once the customer's profile was erased. */
  private transient ValueState<Boolean> erased;
  private static final String OVER_LIMIT = "per-person-limit";
  private transient LabelledCounter rejected;
  private transient Counter erasedLinks;

  public LinkLimits(int maxDevices, int maxCookies, Duration window) {
    this.maxDevices = maxDevices;
    this.maxCookies = maxCookies;
    this.windowMillis = window.toMillis();
  }

  /**
   * Records that would create a link, and erasing profiles, are keyed by their customer. The rest
   * pass through.
   */
  public static String key(Signal s) {
    if (s.kind == Signal.Kind.PROFILE && s.deleted && s.contactKey == null) {
      return "c:" + s.customerId;
    }
    boolean linking = s.kind == Signal.Kind.EVENT || s.kind == Signal.Kind.LINK;
    if (linking
        && s.authenticated
        && s.customerId != null
        && !s.isEvent("LOGOUT")
        && (s.deviceId != null || s.anonymousId != null)) {
      return "c:" + s.customerId;
    }
    return PASS + s.id;
  }

  @Override
  public void open(OpenContext context) throws Exception {
    super.open(context);
    devices = getRuntimeContext().getMapState(new MapStateDescriptor<>("devices", Types.STRING, Types.LONG));
    cookies = getRuntimeContext().getMapState(new MapStateDescriptor<>("cookies", Types.STRING, Types.LONG));
    erased = getRuntimeContext().getState(new ValueStateDescriptor<>("erased", Boolean.class));
    StageMetrics metrics = StageMetrics.of(getRuntimeContext());
    rejected = metrics.labelled(JobMetric.LINKS_REJECTED).register(OVER_LIMIT);
    erasedLinks = metrics.counter(JobMetric.LINKS_ERASED);
  }

  @Override
  protected void pass(Signal s, Collector<Signal> out) {
    out.collect(s);
  }

  @Override
  protected void handle(Signal s, Context ctx, Collector<Signal> out) throws Exception {
    if (s.kind == Signal.Kind.PROFILE) {
      erase(s, out);
      out.collect(s);
      return;
    }
    if (Boolean.TRUE.equals(erased.value())) {
      // An erased customer links nothing again, and the decide stage drops the record itself.
      if (s.deviceId != null || s.anonymousId != null) {
        erasedLinks.inc();
      }
      s.deviceId = null;
      s.anonymousId = null;
      out.collect(s);
      return;
    }
    if (s.deviceId != null && !admit(devices, s.deviceId, s.time, maxDevices)) {
      reject(s, "device_id", ctx);
      s.deviceId = null;
    }
    if (s.anonymousId != null && !admit(cookies, s.anonymousId, s.time, maxCookies)) {
      reject(s, "anonymous_id", ctx);
      s.anonymousId = null;
    }
    out.collect(s);
  }

  /**
   * Sends an erasure copy of the profile to every device and cookie of the customer and forgets
   * them. NOTE: a device or cookie not seen authenticated within the limit window may already be
   * forgotten here while its pointer at the customer lives on. The decide stage then drops what
   * reaches the erased customer through it.
   */
  private void erase(Signal profile, Collector<Signal> out) throws Exception {
    if (Boolean.TRUE.equals(erased.value())) {
      return;
    }
    erased.update(true);
    for (String device : sorted(devices)) {
      Signal copy = profile.copy();
      copy.deviceId = device;
      out.collect(copy);
    }
    for (String cookie : sorted(cookies)) {
      Signal copy = profile.copy();
      copy.anonymousId = cookie;
      out.collect(copy);
    }
    devices.clear();
    cookies.clear();
  }

  private static List<String> sorted(MapState<String, Long> seen) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String id : seen.keys()) {
      ids.add(id);
    }
    Collections.sort(ids);
    return ids;
  }

  /** Records the identifier as the customer's unless that would exceed the limit. */
  private boolean admit(MapState<String, Long> seen, String id, long time, int limit)
      throws Exception {
    Long last = seen.get(id);
    if (last != null) {
      seen.put(id, Math.max(last, time));
      return true;
    }
    int live = 0;
    Iterator<Map.Entry<String, Long>> it = seen.iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (e.getValue() < time - windowMillis) {
        it.remove();
      } else {
        live++;
      }
    }
    if (live >= limit) {
      return false;
    }
    seen.put(id, time);
    return true;
  }

  private void reject(Signal s, String field, Context ctx) {
    rejected.inc(OVER_LIMIT);
    ctx.output(
        AUDIT,
        Audit.of(s.customerId, s.time, Outcome.REJECTED_LINK)
            .reason(OVER_LIMIT)
            .fact("identifier_kind", field)
            .fact("record_id", s.id)
            .build());
  }
}
