package org.v2drop.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import nu.validator.htmlparser.common.XmlViolationPolicy;
import nu.validator.htmlparser.dom.HtmlDocumentBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.jobs.testing.Cli;
import org.v2drop.jobs.testing.Repo;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

/**
 * The page an {@code eval} run leaves behind, checked as a person would see it: rendered by
 * headless Chromium (a screenshot that is not blank; the table in the rendered page has one row per
 * cell), free of HTML parse errors (the W3C validator's HTML5 parser), with charts that have
 * content, and referencing nothing outside itself (images inline; links only to the run's own
 * Parquet partitions, which exist). With {@code -Dv2drop.updateDocs=true} the screenshot also
 * replaces {@code docs/report-page.png}, the README's picture.
 */
class ReportPageIT {
  @TempDir Path tmp;

  static final List<String> BENCHMARKS = List.of("shapes_pope", "shapes_mme", "shapes_gqa");

  /** The demo's methods at two budgets: the page's charts get lines with several points. */
  static final List<String> METHODS =
      List.of(
          "vanilla",
          "v2drop@budget:50%",
          "fastv@budget:50%",
          "pdrop@budget:50%",
          "v2drop@budget:40%",
          "fastv@budget:40%");

  @Test
  void anEvalRunLeavesASelfContainedPageThatRenders() throws Exception {
    Path suite = tmp.resolve("suite");
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("shapes_pope", 8);
    counts.put("shapes_mme", 2);
    counts.put("shapes_gqa", 6);
    Repo.writeSuite(suite, counts, 3);
    Path out = tmp.resolve("reports");
    Path sweep = tmp.resolve("sweep.yaml");
    List<String> lines =
        new ArrayList<>(
            List.of(
                "run_id: page",
                "output: " + out,
                "models:",
                "  - {name: shapes-demo, path: " + Repo.DEMO_MODEL + "}",
                "methods: ["
                    + String.join(", ", METHODS.stream().map(m -> "\"" + m + "\"").toList())
                    + "]",
                "benchmarks:"));
    BENCHMARKS.forEach(b -> lines.add("  - {name: " + b + ", path: " + suite.resolve(b) + "}"));
    lines.add("generation: {max_new_tokens: 8}");
    Files.writeString(sweep, String.join("\n", lines) + "\n");

    Cli.Result r = Cli.run("eval", "--sweep", sweep.toString(), "--master", "local[2]");
    assertEquals(0, r.code(), r.err());
    Path page = out.resolve("report/page/index.html");
    assertTrue(r.out().contains("report page: " + page), r.out());
    String html = Files.readString(page);
    int cells = BENCHMARKS.size() * METHODS.size();

    // no HTML5 parse errors
    List<String> errors = new ArrayList<>();
    HtmlDocumentBuilder builder = new HtmlDocumentBuilder(XmlViolationPolicy.ALTER_INFOSET);
    builder.setErrorHandler(
        new ErrorHandler() {
          @Override
          public void warning(SAXParseException e) {}

          @Override
          public void error(SAXParseException e) {
            errors.add(e.getLineNumber() + ":" + e.getColumnNumber() + " " + e.getMessage());
          }

          @Override
          public void fatalError(SAXParseException e) {
            error(e);
          }
        });
    Document doc = builder.parse(new InputSource(new StringReader(html)));
    assertEquals(List.of(), errors, "HTML parse errors");

    // nothing outside itself: images inline, links only to this run's partitions (which exist)
    List<Element> all = elements(doc.getDocumentElement());
    int images = 0;
    int links = 0;
    for (Element e : all) {
      String tag = e.getLocalName();
      assertFalse(
          List.of("link", "iframe", "object", "embed", "base").contains(tag),
          "no <" + tag + "> element");
      NamedNodeMap attrs = e.getAttributes();
      for (int i = 0; i < attrs.getLength(); i++) {
        String name = attrs.item(i).getNodeName();
        String value = attrs.item(i).getNodeValue();
        assertFalse(
            value.contains("http:") || value.contains("https:") || value.startsWith("//"),
            "<" + tag + " " + name + "> points outside: " + value);
        if (name.equals("src")) {
          assertTrue(value.startsWith("data:image/png;base64,"), "inline image: " + tag);
          assertEquals("img", tag, "only images load a source");
          images++;
          BufferedImage img =
              ImageIO.read(
                  new ByteArrayInputStream(
                      Base64.getDecoder().decode(value.substring(value.indexOf(',') + 1))));
          assertNotNull(img, "the image decodes");
          assertTrue(colours(img) > 20, "a chart with content: " + e.getAttribute("alt"));
        }
        if (name.equals("href")) {
          assertEquals("a", tag);
          assertTrue(
              value.startsWith("../../predictions/run_id=page/")
                  || value.startsWith("../../metrics/run_id=page/"),
              value);
          Path target =
              page.getParent()
                  .resolve(URLDecoder.decode(value, StandardCharsets.UTF_8))
                  .normalize();
          assertTrue(Files.isDirectory(target), "the link leads to the cell: " + target);
          links++;
        }
      }
    }
    assertEquals(BENCHMARKS.size() + 1 + 1, images, "an accuracy chart per benchmark, time, kept");
    assertEquals(2 * cells, links, "each cell links its predictions and metrics");
    for (Element s : all) {
      if (s.getLocalName().equals("style")) {
        assertFalse(s.getTextContent().contains("url("), "no resources in the styles");
      }
    }
    assertEquals(cells, rows(doc), "one table row per cell");

    // as a browser shows it
    String chromium = chromium();
    Path shot = Repo.ROOT.resolve("jobs/target/report-page.png");
    run(
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1280,3000",
        "--screenshot=" + shot,
        page.toUri().toString());
    BufferedImage screen = ImageIO.read(shot.toFile());
    assertEquals(1280, screen.getWidth());
    assertTrue(colours(screen) > 100, "the rendered page is not blank");
    assertTrue(nonWhiteShare(screen) > 0.05, "ink on the page: " + nonWhiteShare(screen));
    String dom =
        run(
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            page.toUri().toString());
    Document rendered = builder.parse(new InputSource(new StringReader(dom)));
    assertEquals(cells, rows(rendered), "the rendered table has one row per cell");
    if (Boolean.getBoolean("v2drop.updateDocs")) {
      Files.copy(
          shot, Repo.ROOT.resolve("docs/report-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static int rows(Document doc) {
    for (Element e : elements(doc.getDocumentElement())) {
      if (e.getLocalName().equals("table") && "cells-table".equals(e.getAttribute("id"))) {
        int n = 0;
        for (Element x : elements(e)) {
          if (x.getLocalName().equals("tr") && x.getParentNode().getLocalName().equals("tbody")) {
            n++;
          }
        }
        return n;
      }
    }
    return -1;
  }

  private static List<Element> elements(Element root) {
    List<Element> out = new ArrayList<>();
    out.add(root);
    NodeList kids = root.getChildNodes();
    for (int i = 0; i < kids.getLength(); i++) {
      if (kids.item(i).getNodeType() == Node.ELEMENT_NODE) {
        out.addAll(elements((Element) kids.item(i)));
      }
    }
    return out;
  }

  private static int colours(BufferedImage img) {
    Set<Integer> seen = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        seen.add(img.getRGB(x, y));
      }
    }
    return seen.size();
  }

  private static double nonWhiteShare(BufferedImage img) {
    long ink = 0;
    long all = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        all++;
        ink += (img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF ? 1 : 0;
      }
    }
    return (double) ink / all;
  }

  /** Debian's chromium (installed by .ci/run); the test fails without it. */
  static String chromium() {
    for (String c : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv("PATH").split(":")) {
        if (Files.isExecutable(Path.of(dir, c))) {
          return Path.of(dir, c).toString();
        }
      }
    }
    throw new AssertionError(
        "headless Chromium is needed to render the report page: apt-get install chromium (.ci/run"
            + " installs it)");
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium ended");
    assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes()));
    return new String(out, StandardCharsets.UTF_8);
  }
}
