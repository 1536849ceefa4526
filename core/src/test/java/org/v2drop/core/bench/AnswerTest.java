package org.v2drop.core.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** lmms-eval's response filter: reasoning blocks removed, whitespace stripped (0.7.2 defaults). */
class AnswerTest {
  static String text(String raw) {
    return Answer.of(raw).text();
  }

  @Test
  void reasoningBlocksAreRemovedAndWhitespaceStripped() {
    assertEquals("B", text("<think>A or B? B.</think> B "));
    assertEquals("yes", text("  yes\n"));
    assertEquals("ab", text("a<think>1</think>b<think>2</think>"));
    assertEquals("x y", text("<analysis>why</analysis>x <think>t</think>y"));
    assertEquals("final", text("reasoning without an opening tag</think>  final"), "prefilled tag");
    assertEquals("z", text("one</think>two</think>z"), "after the last closing tag");
    assertEquals("<think>unclosed answer", text("<think>unclosed answer"), "left as it is");
    assertEquals("<THINK>x</THINK>", text("<THINK>x</THINK>"), "tags are case-sensitive");
    assertEquals(
        "b", text("</think>b<think>a</think>"), "the block removed, then the lone closing tag");
    assertEquals("  raw ", Answer.of("  raw ").raw());
  }
}
