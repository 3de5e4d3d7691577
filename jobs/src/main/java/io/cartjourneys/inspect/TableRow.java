package io.cartjourneys.inspect;

/** One formatted CSV line on its way to its table's file. A Flink POJO. */
public class TableRow {
  public StateTable table;

  /** The line without its line break. */
  public String line;

  public TableRow() {}

  TableRow(StateTable table, String line) {
    this.table = table;
    this.line = line;
  }
}
