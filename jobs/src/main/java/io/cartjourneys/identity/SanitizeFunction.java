package io.cartjourneys.identity;

import io.cartjourneys.avro.Decision;
import io.cartjourneys.avro.Outcome;
import io.cartjourneys.metrics.JobMetric;
import io.cartjourneys.metrics.LabelledCounter;
import io.cartjourneys.metrics.StageMetrics;
import io.cartjourneys.model.Audit;
import io.cartjourneys.model.Ids;
import io.cartjourneys.model.Signal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Drops unusable identifiers from each record with an audit record, normalises emails, and sets
 * the owner of records whose owner is known without stitching: profiles, delivery feedback and
 * authenticated events that name their customer.
 */
public class SanitizeFunction extends ProcessFunction<Signal, Signal> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<Decision> AUDIT = new OutputTag<>("identity-audit") {};

  private final IdentifierRules rules;
  private final int maxEmails;
  private final int maxPhones;
  private transient LabelledCounter rejected;
  private transient Counter unattributed;

  public SanitizeFunction(IdentifierRules rules, int maxEmails, int maxPhones) {
    this.rules = rules;
    this.maxEmails = maxEmails;
    this.maxPhones = maxPhones;
  }

  @Override
  public void open(OpenContext context) {
    StageMetrics metrics = StageMetrics.of(getRuntimeContext());
    rejected = metrics.labelled(JobMetric.IDENTIFIERS_REJECTED);
    unattributed = metrics.counter(JobMetric.FEEDBACK_UNATTRIBUTED);
  }

  @Override
  public void processElement(Signal s, Context ctx, Collector<Signal> out) {
    switch (s.kind) {
      case PROFILE -> {
        String unusable = rules.rejectReason(s.customerId);
        if (unusable != null) {
          // A profile of a placeholder or blocked customer id would gather strangers under it.
          rejected.inc(unusable);
          ctx.output(AUDIT, audit(null, s, "customer_id", unusable));
          return;
        }
        s.resolvedCustomer = s.customerId;
        List<String> emails = new ArrayList<>();
        for (String e : s.emails) {
          String reason = rules.rejectEmail(e);
          String normalized = IdentifierRules.normalizeEmail(e);
          if (reason != null) {
            reject(s, "email", reason, ctx);
          } else if (emails.contains(normalized)) {
            continue;
          } else if (emails.size() >= maxEmails) {
            reject(s, "email", "per-person-limit", ctx);
          } else {
            emails.add(normalized);
          }
        }
        s.emails = emails;
        List<String> phones = new ArrayList<>();
        for (String p : s.phones) {
          String reason = rules.rejectPhone(p);
          String normalized = rules.normalizePhone(p);
          if (reason != null) {
            reject(s, "phone", reason, ctx);
          } else if (phones.contains(normalized)) {
            continue;
          } else if (phones.size() >= maxPhones) {
            reject(s, "phone", "per-person-limit", ctx);
          } else {
            phones.add(normalized);
          }
        }
        s.phones = phones;
        out.collect(s);
      }
      case FEEDBACK -> {
        s.resolvedCustomer = Ids.customerOfCommand(s.commandId);
        if (s.resolvedCustomer == null) {
          unattributed.inc();
          ctx.output(
              AUDIT,
              Audit.of(null, s.time, Outcome.SKIPPED)
                  .reason("feedback-for-unknown-command")
                  .fact("record_id", s.id)
                  .build());
          return;
        }
        out.collect(s);
      }
      default -> {
        s.customerId = clean(s, "customer_id", s.customerId, rules.rejectReason(s.customerId), ctx);
        s.deviceId = clean(s, "device_id", s.deviceId, rules.rejectReason(s.deviceId), ctx);
        s.anonymousId =
            clean(s, "anonymous_id", s.anonymousId, rules.rejectReason(s.anonymousId), ctx);
        s.phone = clean(s, "phone", s.phone, rules.rejectPhone(s.phone), ctx);
        if (s.phone != null) {
          s.phone = rules.normalizePhone(s.phone);
        }
        s.email = clean(s, "email", s.email, rules.rejectEmail(s.email), ctx);
        if (s.email != null) {
          s.email = IdentifierRules.normalizeEmail(s.email);
        }
        // A purchase only ever stops messages, so it counts on any identifier, authenticated or
        // not; it still links nothing.
        if (s.customerId != null && (s.authenticated || s.isPurchase())) {
          s.resolvedCustomer = s.customerId;
        }
        out.collect(s);
      }
    }
  }

  private String clean(Signal s, String field, String value, String reason, Context ctx) {
    if (value == null || reason == null) {
      return value;
    }
    reject(s, field, reason, ctx);
    return null;
  }

  private void reject(Signal s, String field, String reason, Context ctx) {
    rejected.inc(reason);
    ctx.output(
        AUDIT, audit(s.kind == Signal.Kind.PROFILE ? s.customerId : null, s, field, reason));
  }

  private static Decision audit(String customer, Signal s, String field, String reason) {
    return Audit.of(customer, s.time, Outcome.REJECTED_LINK)
        .reason(reason)
        .fact("identifier_kind", field)
        .fact("record_kind", s.kind)
        .fact("record_id", s.id)
        .build();
  }
}
