package io.cartjourneys.inspect;

import io.cartjourneys.decide.Contact;
import io.cartjourneys.decide.PersonDecider;
import io.cartjourneys.decide.PersonState;
import io.cartjourneys.identity.OwnerStage;
import io.cartjourneys.model.CartItem;
import io.cartjourneys.model.Signal;
import io.cartjourneys.orchestrate.JourneyOrchestrator;
import io.cartjourneys.orchestrate.JourneyRecord;
import io.cartjourneys.orchestrate.OrchestratorState;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the keyed state of the job's stateful operators into table rows. Each reader registers
 * the same state descriptors as the operator it reads, so a change to an operator's state shows up
 * here at compile time. Rows hold no email addresses, phone numbers or push tokens: only whether
 * they are present.
 */
final class StateReaders {
  private StateReaders() {}

  /** Base class that counts the rows it emits per table in accumulators. */
  private abstract static class CountingReader extends KeyedStateReaderFunction<String, TableRow> {
    private static final long serialVersionUID = 1L;
    private final List<StateTable> tables;
    private transient Map<StateTable, LongCounter> counters;

    CountingReader(List<StateTable> tables) {
      this.tables = tables;
    }

    @Override
    public void open(OpenContext context) throws Exception {
      counters = new EnumMap<>(StateTable.class);
      for (StateTable t : tables) {
        // A subtask that reads a second key-group split opens this function again; the
        // accumulator of the first open is still registered and keeps counting.
        Accumulator<?, ?> existing = getRuntimeContext().getAccumulator(t.counterName());
        LongCounter c;
        if (existing instanceof LongCounter known) {
          c = known;
        } else {
          c = new LongCounter();
          getRuntimeContext().addAccumulator(t.counterName(), c);
        }
        counters.put(t, c);
      }
    }

    void emit(StateTable table, String line, Collector<TableRow> out) {
      counters.get(table).add(1L);
      out.collect(new TableRow(table, line));
    }
  }

  /** Reads the decide stage ("person" and "pending") into persons and cart_lines rows. */
  static final class PersonReader extends CountingReader {
    private static final long serialVersionUID = 1L;
    private transient ValueState<PersonState> person;
    private transient MapState<Long, List<Signal>> pending;

    PersonReader() {
      super(List.of(StateTable.PERSONS, StateTable.CART_LINES));
    }

    @Override
    public void open(OpenContext context) throws Exception {
      super.open(context);
      person = getRuntimeContext().getState(PersonDecider.personDescriptor());
      pending = getRuntimeContext().getMapState(PersonDecider.pendingDescriptor());
    }

    @Override
    public void readKey(String customer, Context ctx, Collector<TableRow> out) throws Exception {
      int waiting = 0;
      for (List<Signal> records : pending.values()) {
        waiting += records.size();
      }
      PersonState p = person.value();
      if (p == null && waiting == 0) {
        return;
      }
      if (p == null) {
        p = new PersonState(); // only records that still wait for the watermark
      }
      List<CartItem> cart = p.cart();
      CartTotal total = CartTotal.of(cart);
      Contact c = p.contact == null ? new Contact() : p.contact;
      emit(
          StateTable.PERSONS,
          Csv.line(
              customer,
              p.hasProfile,
              p.erased,
              c.email != null,
              c.pushToken != null,
              c.emailConsent,
              c.pushConsent,
              c.timeZone,
              cart.size(),
              total.value,
              total.currency,
              Csv.time(p.episodeStartedAt()),
              Csv.time(p.lastChangeAt()),
              Csv.time(p.lastPurchaseAt),
              Csv.time(p.lastEventAt),
              p.lastEventChannel,
              Csv.time(p.lastFirstTouchAt),
              Csv.time(p.profileUpdatedAt),
              waiting),
          out);
      for (CartItem i : cart) {
        emit(
            StateTable.CART_LINES,
            Csv.line(customer, i.sku, i.name, i.quantity, i.price, i.currency),
            out);
      }
    }
  }

  /** Reads the orchestrate stage ("orchestration") into journeys rows. */
  static final class JourneyReader extends CountingReader {
    private static final long serialVersionUID = 1L;
    private transient ValueState<OrchestratorState> orchestration;

    JourneyReader() {
      super(List.of(StateTable.JOURNEYS));
    }

    @Override
    public void open(OpenContext context) throws Exception {
      super.open(context);
      orchestration = getRuntimeContext().getState(JourneyOrchestrator.orchestrationDescriptor());
    }

    @Override
    public void readKey(String customer, Context ctx, Collector<TableRow> out) throws Exception {
      OrchestratorState s = orchestration.value();
      if (s == null) {
        return;
      }
      for (JourneyRecord j : s.journeys) {
        CartTotal total = CartTotal.of(j.cart);
        boolean stepLeft = j.active && j.nextStep > 0;
        emit(
            StateTable.JOURNEYS,
            Csv.line(
                customer,
                j.journeyId,
                j.channel,
                j.active,
                j.nextStep,
                stepLeft ? Csv.time(j.nextDueAt) : null,
                Csv.time(j.firstTouchAt),
                Csv.time(j.decidedAt),
                Csv.time(j.episodeStartedAt),
                Csv.time(j.lastChangeAt),
                j.holdout,
                j.converted,
                j.cart.size(),
                total.value,
                total.currency),
            out);
      }
    }
  }

  /** Reads one identity stage ("owner" and "held-count") into identity_owners rows. */
  static final class OwnerReader extends CountingReader {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private transient ValueState<String> owner;
    private transient ValueState<Integer> heldCount;

    /** @param kind the identifier kind this stage owns, as written in the kind column */
    OwnerReader(String kind) {
      super(List.of(StateTable.IDENTITY_OWNERS));
      this.kind = kind;
    }

    @Override
    public void open(OpenContext context) throws Exception {
      super.open(context);
      owner = getRuntimeContext().getState(OwnerStage.ownerDescriptor());
      heldCount = getRuntimeContext().getState(OwnerStage.heldCountDescriptor());
    }

    @Override
    public void readKey(String key, Context ctx, Collector<TableRow> out) throws Exception {
      String target = owner.value();
      Integer held = heldCount.value();
      int heldRecords = held == null ? 0 : held;
      if (target == null && heldRecords == 0) {
        return; // only records waiting for the watermark, or a pass-through key
      }
      // Keys are "a:" plus a cookie or "d:" plus a device id; owners "c:" or "d:" plus an id.
      String identifier = key.length() > 2 ? key.substring(2) : key;
      String ownerKind = null;
      String ownerId = null;
      if (target != null) {
        ownerKind = target.startsWith("c:") ? "customer" : target.startsWith("d:") ? "device" : "";
        ownerId = target.length() > 2 ? target.substring(2) : target;
      }
      emit(
          StateTable.IDENTITY_OWNERS,
          Csv.line(kind, identifier, ownerKind, ownerId, heldRecords),
          out);
    }
  }

  /**
   * A cart's value: price times quantity summed over the lines that have a price, in the currency
   * of the first line that names one, the same rule the engagement commands use.
   */
  record CartTotal(Double value, String currency) {
    static CartTotal of(List<CartItem> cart) {
      if (cart.isEmpty()) {
        return new CartTotal(null, null);
      }
      double value = 0;
      String currency = null;
      for (CartItem i : cart) {
        if (i.price != null) {
          value += i.price * i.quantity;
        }
        if (currency == null) {
          currency = i.currency;
        }
      }
      return new CartTotal(value, currency);
    }
  }
}
