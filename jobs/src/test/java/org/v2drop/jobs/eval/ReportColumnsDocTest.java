package org.v2drop.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.v2drop.jobs.testing.Repo;
import org.v2drop.udf.PredictionsTable;

/**
 * The README lists the report columns once; those lists are the schemas, names and types, in order.
 */
class ReportColumnsDocTest {
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z0-9_]+)` \\| `([a-z<>]+)` \\| .+ \\|$");

  @Test
  void theReadmeListsEveryPredictionsColumn() throws Exception {
    assertEquals(columns(PredictionsTable.SCHEMA), documented("predictions"));
  }

  @Test
  void theReadmeListsEveryMetricsColumn() throws Exception {
    assertEquals(columns(MetricsTable.SCHEMA), documented("metrics"));
  }

  private static List<String> columns(StructType schema) {
    List<String> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      out.add(f.name() + " " + f.dataType().simpleString());
    }
    return out;
  }

  /** "name type" for each row of the README table between the markers of {@code table}. */
  private static List<String> documented(String table) throws Exception {
    String readme = Files.readString(Repo.ROOT.resolve("README.md"));
    String start = "<!-- columns: " + table + " -->";
    int from = readme.indexOf(start);
    int to = readme.indexOf("<!-- /columns -->", from);
    assertTrue(
        from >= 0 && to > from, "README.md has no '" + start + "' ... '<!-- /columns -->' table");
    List<String> out = new ArrayList<>();
    for (String line : readme.substring(from + start.length(), to).strip().split("\n")) {
      Matcher m = ROW.matcher(line.strip());
      if (m.matches()) {
        out.add(m.group(1) + " " + m.group(2));
      } else {
        assertTrue(
            line.startsWith("| column") || line.startsWith("| ---"), "not a column row: " + line);
      }
    }
    return out;
  }
}
