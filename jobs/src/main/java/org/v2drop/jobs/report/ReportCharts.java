package org.v2drop.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.v2drop.jobs.eval.MetricRow;

/**
 * The report page's charts, drawn with XChart and returned as PNG data URIs. Each method family
 * (v2drop, fastv, pdrop, random; vanilla) keeps one colour on every chart.
 */
final class ReportCharts {
  static final int WIDTH = 560;
  static final int HEIGHT = 360;

  private static final Map<String, Color> FAMILY_COLORS =
      Map.of(
          "vanilla", new Color(0x33, 0x33, 0x33),
          "v2drop", new Color(0xD6, 0x27, 0x28),
          "fastv", new Color(0x1F, 0x77, 0xB4),
          "pdrop", new Color(0x2C, 0xA0, 0x2C),
          "random", new Color(0x94, 0x67, 0xBD));
  private static final Color[] OTHER =
      new Color[] {
        new Color(0xFF, 0x7F, 0x0E), new Color(0x8C, 0x56, 0x4B), new Color(0x17, 0xBE, 0xCF)
      };

  private ReportCharts() {}

  /** {@code v2drop@budget:192} → {@code v2drop}; {@code vanilla} → {@code vanilla}. */
  static String family(String method) {
    int at = method.indexOf('@');
    return at < 0 ? method : method.substring(0, at);
  }

  static Color color(String family) {
    Color c = FAMILY_COLORS.get(family);
    return c != null ? c : OTHER[Math.floorMod(family.hashCode(), OTHER.length)];
  }

  /**
   * One benchmark's main metric against the layer-averaged vision tokens: a line per method family
   * through its budgets, each point with its 95% interval, vanilla as a dashed level, and the
   * paper's published points where given.
   */
  static String accuracy(String title, List<MetricRow> cells, List<PaperPoint> paper) {
    XYChart chart = xy(title, "mean vision tokens per layer", cells.get(0).metric());
    Map<String, List<MetricRow>> byFamily = new TreeMap<>();
    double xMin = Double.MAX_VALUE;
    double xMax = 0;
    for (MetricRow m : cells) {
      if (m.value() == null) {
        continue;
      }
      byFamily.computeIfAbsent(family(m.method()), k -> new ArrayList<>()).add(m);
      xMin = Math.min(xMin, m.meanVisionTokens());
      xMax = Math.max(xMax, m.meanVisionTokens());
    }
    for (PaperPoint p : paper) {
      xMin = Math.min(xMin, p.tokens());
      xMax = Math.max(xMax, p.tokens());
    }
    for (Map.Entry<String, List<MetricRow>> e : byFamily.entrySet()) {
      List<MetricRow> points = e.getValue();
      points.sort((a, b) -> Double.compare(a.meanVisionTokens(), b.meanVisionTokens()));
      Color c = color(e.getKey());
      if (e.getKey().equals("vanilla")) {
        double v = points.get(0).value();
        XYSeries s = chart.addSeries("vanilla", new double[] {xMin, xMax}, new double[] {v, v});
        s.setLineColor(c);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(
            new BasicStroke(
                1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
      } else {
        XYSeries s =
            chart.addSeries(
                e.getKey(),
                points.stream().mapToDouble(MetricRow::meanVisionTokens).toArray(),
                points.stream().mapToDouble(MetricRow::value).toArray());
        s.setLineColor(c);
        s.setMarkerColor(c);
        s.setMarker(SeriesMarkers.CIRCLE);
      }
      int k = 0;
      for (MetricRow m : points) { // the interval: a vertical bar, not in the legend
        if (m.valueCi() == null) {
          continue;
        }
        double x = m.meanVisionTokens();
        XYSeries bar =
            chart.addSeries(
                e.getKey() + " interval " + k++,
                new double[] {x, x},
                new double[] {m.valueCi().low(), m.valueCi().high()});
        bar.setLineColor(c);
        bar.setMarker(SeriesMarkers.NONE);
        bar.setMarkerColor(c);
        bar.setShowInLegend(false);
      }
    }
    Map<String, List<PaperPoint>> paperByMethod = new TreeMap<>();
    paper.forEach(p -> paperByMethod.computeIfAbsent(p.method(), k -> new ArrayList<>()).add(p));
    for (Map.Entry<String, List<PaperPoint>> e : paperByMethod.entrySet()) {
      List<PaperPoint> pts = e.getValue();
      pts.sort((a, b) -> Double.compare(a.tokens(), b.tokens()));
      XYSeries s =
          chart.addSeries(
              "paper " + e.getKey(),
              pts.stream().mapToDouble(PaperPoint::tokens).toArray(),
              pts.stream().mapToDouble(PaperPoint::value).toArray());
      Color c = color(e.getKey());
      s.setLineColor(c);
      s.setMarkerColor(c);
      s.setMarker(SeriesMarkers.SQUARE);
      s.setLineStyle(
          new BasicStroke(
              1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {2, 3}, 0));
    }
    return png(chart);
  }

  /** Vision, prefill and decode time per method, as a share of vanilla's total. */
  static String latency(String title, Map<String, double[]> byMethod) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle("method")
            .yAxisTitle("time / vanilla's total")
            .build();
    style(chart.getStyler());
    chart.getStyler().setStacked(true);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setOverlapped(false);
    double[] vanilla = byMethod.get("vanilla");
    double base = vanilla == null ? 1 : vanilla[0] + vanilla[1] + vanilla[2];
    List<String> methods = new ArrayList<>(byMethod.keySet());
    String[] parts = {"vision", "prefill", "decode"};
    Color[] colors = {
      new Color(0x9E, 0x9E, 0x9E), new Color(0x4C, 0x72, 0xB0), new Color(0xDD, 0x84, 0x52)
    };
    for (int p = 0; p < parts.length; p++) {
      List<Double> ys = new ArrayList<>();
      for (String m : methods) {
        ys.add(byMethod.get(m)[p] / base);
      }
      chart.addSeries(parts[p], methods, ys).setFillColor(colors[p]);
    }
    return png(chart);
  }

  /**
   * Where each method's kept vision tokens lie in the image (0 = the first token, 1 = the last):
   * the share of kept tokens per slice, scaled so that a uniform spread is 1.
   */
  static String keptPositions(String title, Map<String, long[]> byMethod) {
    XYChart chart =
        xy(title, "position among the image's vision tokens (0 = first, 1 = last)", "density");
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    chart.getStyler().setXAxisDecimalPattern("0.0#");
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax(1.0);
    int bins = ReportData.BINS;
    double[] x = new double[bins];
    for (int i = 0; i < bins; i++) {
      x[i] = (i + 0.5) / bins;
    }
    Map<String, Integer> perFamily = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : byMethod.entrySet()) {
      long total = 0;
      for (long v : e.getValue()) {
        total += v;
      }
      if (total == 0) {
        continue;
      }
      double[] y = new double[bins];
      for (int i = 0; i < bins; i++) {
        y[i] = (double) e.getValue()[i] / total * bins;
      }
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      String fam = family(e.getKey());
      Color c = shade(color(fam), perFamily.merge(fam, 1, Integer::sum) - 1);
      s.setLineColor(c);
      s.setMarkerColor(c);
      s.setMarker(SeriesMarkers.NONE);
    }
    return png(chart);
  }

  /** The n-th method of one family: the family's colour, lighter for each further budget. */
  private static Color shade(Color c, int n) {
    float f = Math.min(0.6f, 0.22f * n);
    return new Color(
        (int) (c.getRed() + (255 - c.getRed()) * f),
        (int) (c.getGreen() + (255 - c.getGreen()) * f),
        (int) (c.getBlue() + (255 - c.getBlue()) * f));
  }

  private static XYChart xy(String title, String x, String y) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(x)
            .yAxisTitle(y)
            .build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    return chart;
  }

  private static void style(org.knowm.xchart.style.AxesChartStyler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(0xE5, 0xE5, 0xE5));
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    s.setLegendBorderColor(Color.WHITE);
    s.setAntiAlias(true);
    s.setDecimalPattern("#,##0.###");
  }

  private static String png(Chart<?, ?> chart) {
    try {
      return "data:image/png;base64,"
          + Base64.getEncoder()
              .encodeToString(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw chart '" + chart.getTitle() + "'", e);
    }
  }

  /**
   * A published point of the paper: a method at a budget (vision tokens), in our metric's scale.
   */
  record PaperPoint(String method, double tokens, double value) {}

  /**
   * The V²Drop paper's Table 1 for LLaVA-1.5-7B (docs/reference): per benchmark, its points in the
   * scale of our main metric (percentages as fractions; MME perception as the score).
   */
  static Map<String, List<PaperPoint>> paperLlava15() {
    Map<String, List<PaperPoint>> out = new LinkedHashMap<>();
    try (InputStream in = ReportCharts.class.getResourceAsStream("v2drop-paper-llava15-7b.csv")) {
      if (in == null) {
        return out;
      }
      List<String> lines =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(l -> !l.startsWith("#") && !l.isBlank())
              .toList();
      String[] header = lines.get(0).split(",");
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        String method = f[1];
        if (method.equals("vanilla")) {
          continue; // our vanilla is measured; the paper's is the level its retained % refer to
        }
        double tokens = Double.parseDouble(f[2]);
        for (int i = 3; i < header.length; i++) {
          String b = header[i];
          if (b.equals("avg_retained_pct")) {
            continue;
          }
          double v = Double.parseDouble(f[i]);
          out.computeIfAbsent(b, k -> new ArrayList<>())
              .add(new PaperPoint(method, tokens, b.equals("mme") ? v : v / 100));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
