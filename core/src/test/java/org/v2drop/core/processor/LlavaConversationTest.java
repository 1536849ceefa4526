package org.v2drop.core.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * LLaVA-1.5's vicuna_v1 conversation, as lmms-eval's llava model builds it (docs/benchmarks.md
 * "Prompts").
 */
class LlavaConversationTest {
  @Test
  void vicunaV1WithOnePlaceholderPerImage() {
    String system =
        "A chat between a curious human and an artificial intelligence assistant. The assistant gives "
            + "helpful, detailed, and polite answers to the human's questions.";
    assertEquals(
        system + " USER: <image>\nQ? ASSISTANT:", LlavaConversation.DEFAULT.apply("Q?", 1));
    assertEquals(
        system + " USER: <image> <image>\nQ? ASSISTANT:", LlavaConversation.DEFAULT.apply("Q?", 2));
    assertEquals(system + " USER: Q? ASSISTANT:", LlavaConversation.DEFAULT.apply("Q?", 0));
    assertEquals(
        system + " USER: <im> <im>\nQ? ASSISTANT:",
        new LlavaConversation("<im>").apply("Q?", 2),
        "the processor's own placeholder");
  }
}
