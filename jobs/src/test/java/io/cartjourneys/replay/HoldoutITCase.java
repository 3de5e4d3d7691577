package io.cartjourneys.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cartjourneys.TestDirs;
import io.cartjourneys.config.JobConfig;
import io.cartjourneys.model.Ids;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A holdout share keeps a stable set of persons out of messaging but in the measurement. */
class HoldoutITCase {

  @Test
  void holdoutPersonsEnterButGetNoMessages() throws Exception {
    ReplayFixture f = new ReplayFixture();
    List<String> held = new ArrayList<>();
    List<String> treated = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String k = "k-h" + i;
      (Ids.percentile(k) < 50 ? held : treated).add(k);
      f.profile(k);
      f.event("a-" + i, "ADD_TO_CART", "2026-03-10T10:00:00Z", "WEB", null, null, k, true, "SKU-1");
      f.event("b-" + i, "PURCHASE", "2026-03-11T09:00:00Z", "WEB", null, null, k, true, "SKU-1");
    }
    JobConfig config = JobConfig.load(null);
    config.journey.holdoutPercent = 50;
    f.run(TestDirs.create("holdout"), 2, config);

    assertThat(held).isNotEmpty();
    assertThat(treated).isNotEmpty();
    for (String k : held) {
      assertThat(f.commands(k)).as("commands of held-out %s", k).isEmpty();
    }
    for (String k : treated) {
      assertThat(f.commands(k)).as("commands of treated %s", k).hasSize(1);
    }
    List<JsonNode> conversions = f.read("conversions.jsonl");
    assertThat(conversions).hasSize(30);
    assertThat(conversions.stream().filter(c -> c.path("holdout").asBoolean()).count())
        .isEqualTo(held.size());
    assertThat(f.decisions("HOLDOUT", null)).isEqualTo(held.size());
    for (JsonNode d : f.read("decisions.jsonl")) {
      if (held.contains(d.path("customer_id").asText())) {
        assertThat(d.path("outcome").asText())
            .as("decision about held-out %s", d.path("customer_id").asText())
            .isIn("HOLDOUT", "CONVERTED");
      }
    }
  }
}
