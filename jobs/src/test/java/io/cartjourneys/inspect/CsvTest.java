package io.cartjourneys.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void plainFieldsAreNotQuoted() {
    assertThat(Csv.line("k-1001", true, 2, null, "INR")).isEqualTo("k-1001,true,2,,INR");
  }

  @Test
  void fieldsWithSeparatorsAreQuoted() {
    assertThat(Csv.field("Shoe, red")).isEqualTo("\"Shoe, red\"");
    assertThat(Csv.field("The \"Runner\"")).isEqualTo("\"The \"\"Runner\"\"\"");
    assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(Csv.field("cr\rhere")).isEqualTo("\"cr\rhere\"");
  }

  @Test
  void quotedLineParsesBack() {
    String line = Csv.line("a,b", "say \"hi\"", "x\ny", "", 3.5);

    assertThat(CsvFiles.parse(line + "\n"))
        .containsExactly(List.of("a,b", "say \"hi\"", "x\ny", "", "3.5"));
  }

  @Test
  void decimalsArePlainAndRounded() {
    assertThat(Csv.decimal(4999.0)).isEqualTo("4999");
    assertThat(Csv.decimal(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(Csv.decimal(1.0e7)).isEqualTo("10000000");
    assertThat(Csv.decimal(12.34567)).isEqualTo("12.3457");
    assertThat(Csv.decimal(0.0)).isEqualTo("0");
    assertThat(Csv.decimal(-2.5)).isEqualTo("-2.5");
  }

  @Test
  void timesAreUtcAndNeverIsEmpty() {
    assertThat(Csv.time(1_773_502_260_000L)).isEqualTo("2026-03-14T15:31:00Z");
    assertThat(Csv.time(Long.MIN_VALUE)).isNull();
    assertThat(Csv.line(Csv.time(Long.MIN_VALUE))).isEmpty();
  }
}
