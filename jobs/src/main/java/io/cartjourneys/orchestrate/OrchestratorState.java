package io.cartjourneys.orchestrate;

import io.cartjourneys.decide.Contact;
import java.util.ArrayList;
import java.util.List;

/** Per-person orchestration state: journeys still active or still open for attribution. */
public class OrchestratorState {
  public static final long NEVER = Long.MIN_VALUE;

  public Contact contact = new Contact();
  public List<JourneyRecord> journeys = new ArrayList<>();
  /** deliver_after of the last push and email sent, for the frequency caps. */
  public long lastPushAt = NEVER;
  public long lastEmailAt = NEVER;

  public OrchestratorState() {}
}
