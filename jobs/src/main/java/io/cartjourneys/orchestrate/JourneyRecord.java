package io.cartjourneys.orchestrate;

import io.cartjourneys.model.CartItem;
import java.util.ArrayList;
import java.util.List;

/** One entered journey as the orchestrator tracks it. A Flink POJO. */
public class JourneyRecord {
  public String journeyId;
  public long episodeStartedAt;
  public long lastChangeAt;
  public long decidedAt;
  public long firstTouchAt;
  /** Channel of step 1: PUSH or EMAIL. */
  public String channel;
  public boolean holdout;
  /** True while steps may still be sent. */
  public boolean active;
  /** 1 or 2: the next step; 0 when none is left. */
  public int nextStep;
  public long nextDueAt;
  public boolean converted;
  /** The cart the next step shows: the one at entry, or after the latest change since. */
  public List<CartItem> cart = new ArrayList<>();

  public List<CartItem> viewed = new ArrayList<>();

  /** Time of the latest cart change after entry, epoch ms, or 0 while the cart is unchanged. */
  public long cartChangedAt;

  public JourneyRecord() {}
}
