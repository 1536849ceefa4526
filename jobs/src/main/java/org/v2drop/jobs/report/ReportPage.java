package org.v2drop.jobs.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.v2drop.core.stats.Interval;
import org.v2drop.jobs.eval.CellWriter;
import org.v2drop.jobs.eval.MetricRow;

/**
 * The page a run leaves beside its reports, {@code <output>/report/<run_id>/index.html}: one
 * self-contained HTML file (charts as PNG data URIs, styles and the table's sorting inline, nothing
 * fetched) written through Hadoop's file system, so it lands wherever the reports are (local, HDFS,
 * S3). It shows the run (sweep, checkpoints, versions, device, precision, time, samples, errors),
 * per benchmark the main metric against the vision tokens kept with 95% intervals (and the paper's
 * points for LLaVA-1.5-7B), the time each method spends relative to vanilla, where the kept vision
 * tokens lie in the image, and every cell in a sortable table linked to its Parquet partitions.
 */
public final class ReportPage {
  private static final Pattern LLAVA15_7B = Pattern.compile("(?i)llava-?1\\.5-?7b");

  private ReportPage() {}

  /** {@code <output>/report/<run_id>}. */
  public static Path folder(String output, String runId) {
    String root = output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
    return new Path(root + "/report/" + runId);
  }

  /** Renders the page of {@code runId} from the reports under {@code output}; returns its path. */
  public static Path write(SparkSession spark, String output, String runId) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ReportData data = ReportData.load(spark, output, runId);
    RunInfo info = RunInfo.read(conf, output, runId);
    String html = render(runId, data, info);
    Path page = new Path(folder(output, runId), "index.html");
    try (FSDataOutputStream out = page.getFileSystem(conf).create(page, true)) {
      out.write(html.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the report page " + page + ": " + e.getMessage(), e);
    }
    return page;
  }

  static String render(String runId, ReportData data, RunInfo info) {
    Html h = new Html();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.raw("<title>")
        .text("v2drop run " + runId)
        .raw("</title>\n<style>")
        .raw(STYLE)
        .raw("</style>\n");
    h.raw("</head>\n<body>\n<h1>Run <code>").text(runId).raw("</code></h1>\n");
    runSection(h, runId, data, info);
    accuracySection(h, data, info);
    latencySection(h, data);
    keptSection(h, data);
    cellsSection(h, data);
    h.raw("<script>").raw(SORT_SCRIPT).raw("</script>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void runSection(Html h, String runId, ReportData data, RunInfo info) {
    long[] se = data.samplesAndErrors();
    h.raw("<section id=\"run\">\n<h2>The run</h2>\n<table class=\"meta\">\n");
    if (info != null) {
      row(h, "sweep file", info.sweepFile() == null ? "(not recorded)" : info.sweepFile());
      row(h, "started", info.started() + " on " + info.host());
      row(h, "wall time", String.format(Locale.ROOT, "%.1f s", info.wallSeconds()));
      row(h, "methods", String.join(", ", info.methods()));
      row(h, "benchmarks", String.join(", ", info.benchmarks()));
      row(
          h,
          "precision",
          (data.dtypes().isEmpty() ? "(not recorded)" : String.join(", ", data.dtypes()))
              + " (sweep: "
              + info.dtype()
              + ")");
      StringBuilder v = new StringBuilder();
      info.versions()
          .forEach((k, x) -> v.append(v.length() == 0 ? "" : ", ").append(k).append(' ').append(x));
      row(h, "versions", v.toString());
    } else {
      row(h, "run information", "not recorded (reports written before run.json existed)");
    }
    row(h, "devices", String.join(", ", data.devices()));
    row(
        h,
        "prediction rows",
        String.format(
            Locale.ROOT, "%,d in %d cells, %,d errors", se[0], mainCells(data).size(), se[1]));
    h.raw("</table>\n");
    if (info != null && !info.models().isEmpty()) {
      h.raw(
          "<table class=\"meta\">\n<tr><th>model</th><th>checkpoint</th><th>fingerprint</th></tr>\n");
      for (RunInfo.Model m : info.models()) {
        h.raw("<tr><td>")
            .text(m.name())
            .raw("</td><td><code>")
            .text(m.path())
            .raw("</code></td><td><code>");
        h.text(m.fingerprint()).raw("</code></td></tr>\n");
      }
      h.raw("</table>\n");
    }
    h.raw("</section>\n");
  }

  private static void accuracySection(Html h, ReportData data, RunInfo info) {
    h.raw("<section id=\"accuracy\">\n<h2>Accuracy against the vision tokens kept</h2>\n");
    h.raw(
            "<p>Each benchmark's main metric against the vision tokens per decoder layer (the mean over ")
        .raw(
            "samples of the layer-averaged count), one line per method family through its budgets; ")
        .raw("bars are 95% bootstrap intervals, the dashed level is vanilla. Where the model is ")
        .raw("LLaVA-1.5-7B the paper's published points (Table 1) are drawn as squares.</p>\n");
    h.raw("<div class=\"charts\">\n");
    Map<List<String>, List<MetricRow>> groups = new LinkedHashMap<>();
    for (MetricRow m : mainCells(data)) {
      groups.computeIfAbsent(List.of(m.model(), m.benchmark()), k -> new ArrayList<>()).add(m);
    }
    Map<String, List<ReportCharts.PaperPoint>> paper = ReportCharts.paperLlava15();
    for (Map.Entry<List<String>, List<MetricRow>> g : groups.entrySet()) {
      String model = g.getKey().get(0);
      String benchmark = g.getKey().get(1);
      List<ReportCharts.PaperPoint> points =
          isLlava15(model, info) ? paper.getOrDefault(benchmark, List.of()) : List.of();
      figure(
          h,
          ReportCharts.accuracy(model + " · " + benchmark, g.getValue(), points),
          benchmark + " " + g.getValue().get(0).metric() + " against vision tokens, " + model,
          model + " · " + benchmark + (points.isEmpty() ? "" : " (with the paper's points)"));
    }
    h.raw("</div>\n</section>\n");
  }

  private static void latencySection(Html h, ReportData data) {
    h.raw("<section id=\"latency\">\n<h2>Time</h2>\n");
    h.raw("<p>Median time per sample of each method — vision tower, LLM prefill and decode, each ")
        .raw("the median of a cell, averaged over the benchmarks by their samples — as a share of ")
        .raw("vanilla's total on the same model (medians: an executor's first samples carry its ")
        .raw("warm-up).</p>\n<div class=\"charts\">\n");
    Map<String, Map<String, double[]>> byModel = new TreeMap<>();
    Map<String, Map<String, Long>> rows = new TreeMap<>();
    for (ReportData.Latency l : data.latency()) {
      double[] acc =
          byModel
              .computeIfAbsent(l.model(), k -> new LinkedHashMap<>())
              .computeIfAbsent(l.method(), k -> new double[3]);
      acc[0] += l.visionMs() * l.rows();
      acc[1] += l.prefillMs() * l.rows();
      acc[2] += l.decodeMs() * l.rows();
      rows.computeIfAbsent(l.model(), k -> new TreeMap<>()).merge(l.method(), l.rows(), Long::sum);
    }
    for (Map.Entry<String, Map<String, double[]>> m : byModel.entrySet()) {
      Map<String, double[]> means = new LinkedHashMap<>();
      List<String> methods = new ArrayList<>(m.getValue().keySet());
      methods.sort((a, b) -> a.equals("vanilla") ? -1 : b.equals("vanilla") ? 1 : a.compareTo(b));
      for (String method : methods) {
        double[] s = m.getValue().get(method);
        long n = rows.get(m.getKey()).get(method);
        means.put(method, new double[] {s[0] / n, s[1] / n, s[2] / n});
      }
      figure(
          h,
          ReportCharts.latency(m.getKey(), means),
          "time per method relative to vanilla, " + m.getKey(),
          m.getKey());
    }
    h.raw("</div>\n</section>\n");
  }

  private static void keptSection(Html h, ReportData data) {
    h.raw("<section id=\"kept\">\n<h2>Where the kept vision tokens lie</h2>\n");
    h.raw("<p>Positions of the vision tokens each method keeps at its last drop, relative to the ")
        .raw(
            "image's tokens (row-major patches: 0 is the top-left patch, 1 the bottom-right), as a ")
        .raw("density (1 = spread evenly). Attention-based methods favour late positions; V²Drop ")
        .raw("should not.</p>\n<div class=\"charts\">\n");
    Map<String, Map<String, long[]>> byModel = new TreeMap<>();
    data.kept()
        .forEach(
            (k, v) -> byModel.computeIfAbsent(k.get(0), x -> new TreeMap<>()).put(k.get(1), v));
    if (byModel.isEmpty()) {
      h.raw("<p class=\"note\">No method of this run dropped vision tokens.</p>\n");
    }
    for (Map.Entry<String, Map<String, long[]>> m : byModel.entrySet()) {
      figure(
          h,
          ReportCharts.keptPositions(m.getKey(), m.getValue()),
          "kept vision token positions per method, " + m.getKey(),
          m.getKey());
    }
    h.raw("</div>\n</section>\n");
  }

  private static void cellsSection(Html h, ReportData data) {
    h.raw("<section id=\"cells\">\n<h2>Every cell</h2>\n");
    h.raw("<p>The main metric of each model × benchmark × method; click a heading to sort. ")
        .raw("Intervals are 95% (bootstrap over the benchmark's scoring units; retained % and the ")
        .raw("latency ratio paired with vanilla on the same units).</p>\n");
    h.raw("<table id=\"cells-table\" class=\"cells\">\n<thead><tr>");
    for (String c :
        List.of(
            "model",
            "benchmark",
            "method",
            "schedule",
            "metric",
            "value",
            "95% interval",
            "retained %",
            "95% interval",
            "latency / vanilla",
            "95% interval",
            "FLOPs / vanilla",
            "samples",
            "errors",
            "reports")) {
      h.raw("<th>").text(c).raw("</th>");
    }
    h.raw("</tr></thead>\n<tbody>\n");
    for (MetricRow m : mainCells(data)) {
      h.raw("<tr>");
      td(h, m.model());
      td(h, m.benchmark());
      td(h, m.method());
      td(h, m.schedule() == null ? "" : m.schedule());
      td(h, m.metric());
      num(h, m.value(), "%.4g");
      interval(h, m.valueCi(), "%.4g");
      num(h, m.retainedPct(), "%.1f");
      interval(h, m.retainedCi(), "%.1f");
      num(h, m.latencyRatio(), "%.3f");
      interval(h, m.latencyRatioCi(), "%.3f");
      num(h, m.flopsRatio(), "%.3f");
      num(h, (double) m.samples(), "%.0f");
      num(h, (double) m.errors(), "%.0f");
      h.raw("<td><a href=\"")
          .attr(cellLink("predictions", m))
          .raw("\">predictions</a> · <a href=\"");
      h.attr(cellLink("metrics", m)).raw("\">metrics</a></td>");
      h.raw("</tr>\n");
    }
    h.raw("</tbody>\n</table>\n</section>\n");
  }

  /** The main-metric row of every cell. */
  static List<MetricRow> mainCells(ReportData data) {
    return data.metrics().stream().filter(MetricRow::main).toList();
  }

  private static boolean isLlava15(String model, RunInfo info) {
    if (LLAVA15_7B.matcher(model).find()) {
      return true;
    }
    if (info != null) {
      for (RunInfo.Model m : info.models()) {
        if (m.name().equals(model) && LLAVA15_7B.matcher(m.path()).find()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The cell's Parquet partition relative to the page ({@code ../../predictions/run_id=...}): the
   * folder names as Spark escapes them, each then encoded for a URL.
   */
  static String cellLink(String table, MetricRow m) {
    String dir = CellWriter.cellPath("", m.runId(), m.model(), m.benchmark(), m.method());
    StringBuilder out = new StringBuilder("../../").append(table);
    for (String segment : dir.split("/")) {
      if (!segment.isEmpty()) {
        out.append('/').append(urlSegment(segment));
      }
    }
    return out.append('/').toString();
  }

  private static String urlSegment(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if (c < 128 && (Character.isLetterOrDigit(c) || "-._~=@,+".indexOf(c) >= 0)) {
        out.append(c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xFF));
      }
    }
    return out.toString();
  }

  private static void figure(Html h, String dataUri, String alt, String caption) {
    h.raw("<figure><img src=\"").attr(dataUri).raw("\" alt=\"").attr(alt).raw("\" width=\"");
    h.raw(Integer.toString(ReportCharts.WIDTH))
        .raw("\" height=\"")
        .raw(Integer.toString(ReportCharts.HEIGHT));
    h.raw("\"><figcaption>").text(caption).raw("</figcaption></figure>\n");
  }

  private static void row(Html h, String k, String v) {
    h.raw("<tr><th>").text(k).raw("</th><td>").text(v).raw("</td></tr>\n");
  }

  private static void td(Html h, String v) {
    h.raw("<td>").text(v).raw("</td>");
  }

  private static void num(Html h, Double v, String format) {
    if (v == null || v.isNaN()) {
      h.raw("<td class=\"num\" data-sort=\"\"></td>");
      return;
    }
    h.raw("<td class=\"num\" data-sort=\"").raw(Double.toString(v)).raw("\">");
    h.text(String.format(Locale.ROOT, format, v)).raw("</td>");
  }

  private static void interval(Html h, Interval i, String format) {
    if (i == null) {
      h.raw("<td class=\"num\" data-sort=\"\"></td>");
      return;
    }
    h.raw("<td class=\"num\" data-sort=\"").raw(Double.toString(i.low())).raw("\">");
    h.text(String.format(Locale.ROOT, "[" + format + ", " + format + "]", i.low(), i.high()));
    h.raw("</td>");
  }

  /** HTML text with escaping for text and attribute values. */
  private static final class Html {
    private final StringBuilder sb = new StringBuilder();

    Html raw(String s) {
      sb.append(s);
      return this;
    }

    Html text(String s) {
      for (char c : s.toCharArray()) {
        switch (c) {
          case '<' -> sb.append("&lt;");
          case '>' -> sb.append("&gt;");
          case '&' -> sb.append("&amp;");
          default -> sb.append(c);
        }
      }
      return this;
    }

    Html attr(String s) {
      for (char c : s.toCharArray()) {
        switch (c) {
          case '<' -> sb.append("&lt;");
          case '>' -> sb.append("&gt;");
          case '&' -> sb.append("&amp;");
          case '"' -> sb.append("&quot;");
          default -> sb.append(c);
        }
      }
      return this;
    }

    @Override
    public String toString() {
      return sb.toString();
    }
  }

  private static final String STYLE =
      """
      body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1240px;\
      color:#222;padding:0 16px}
      h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
      p{max-width:900px;line-height:1.45}code{font-size:12px}
      table.meta{border-collapse:collapse;margin:8px 0 16px}table.meta th{text-align:left;\
      padding:2px 16px 2px 0;font-weight:600;vertical-align:top}table.meta td{padding:2px 16px 2px 0}
      .charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figcaption{font-size:12px;\
      color:#555;text-align:center}
      table.cells{border-collapse:collapse;font-size:12px}table.cells th{cursor:pointer;\
      background:#f3f3f3;position:sticky;top:0;padding:4px 6px;text-align:left;border-bottom:1px solid #ccc}
      table.cells td{padding:3px 6px;border-bottom:1px solid #eee}td.num{text-align:right;\
      font-variant-numeric:tabular-nums}.note{color:#777}
      """;

  /** Sorts the cells table by a clicked column (numbers by their data-sort value). */
  private static final String SORT_SCRIPT =
      """
      document.querySelectorAll("table.cells th").forEach(function (th, col) {
        th.addEventListener("click", function () {
          var body = th.closest("table").tBodies[0];
          var asc = th.dataset.dir !== "asc";
          th.dataset.dir = asc ? "asc" : "desc";
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[col], y = b.cells[col];
            var p = x.dataset.sort, q = y.dataset.sort, r;
            if (p !== undefined && q !== undefined) {
              r = (p === "" ? -Infinity : +p) - (q === "" ? -Infinity : +q);
            } else {
              r = x.textContent.localeCompare(y.textContent);
            }
            return asc ? r : -r;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
      """;
}
