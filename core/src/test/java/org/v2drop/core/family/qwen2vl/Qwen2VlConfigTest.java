package org.v2drop.core.family.qwen2vl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.testing.Fixtures;

/**
 * Qwen2-VL / Qwen2.5-VL configs as HF's save_pretrained writes them ({@code
 * tools/make_mrope_fixture.py}), the older top-level layout, and refusals naming the file.
 */
class Qwen2VlConfigTest {
  static final Path DIR = Fixtures.dir("qwen2vl-mrope");

  @TempDir Path tmp;

  @Test
  void readsBothGenerationsAsHfWritesThem() {
    Qwen2VlConfig q2 = Qwen2VlConfig.load(DIR.resolve("qwen2_vl"));
    assertEquals("qwen2_vl", q2.modelType());
    assertEquals(32, q2.text().hiddenSize());
    assertEquals(1, q2.text().numHiddenLayers());
    assertEquals(2, q2.text().numAttentionHeads());
    assertEquals(1, q2.text().numKeyValueHeads());
    assertEquals(16, q2.text().headDim());
    assertEquals(64, q2.text().vocabSize());
    assertEquals(10000.0, q2.text().rope().theta());
    assertArrayEquals(new int[] {2, 3, 3}, q2.mropeSection());
    assertEquals(
        new Qwen2VlConfig.Vision(
            1, 16, 32, 64, 2, 14, 2, 2, 3, "quick_gelu", 0, List.of(), 0, 10000.0),
        q2.vision());
    assertEquals(151655, q2.imageTokenId());
    assertEquals(151656, q2.videoTokenId());
    assertEquals(151652, q2.visionStartTokenId());
    Qwen2VlConfig q25 = Qwen2VlConfig.load(DIR.resolve("qwen2_5_vl"));
    assertTrue(q25.isQwen25());
    assertEquals(
        new Qwen2VlConfig.Vision(
            1, 16, 32, 32, 2, 14, 2, 2, 3, "silu", 112, List.of(0), 2, 10000.0),
        q25.vision());
  }

  @Test
  void readsTheOlderTopLevelLayout() throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode c = (ObjectNode) json.readTree(DIR.resolve("qwen2_vl/config.json").toFile());
    ObjectNode text = (ObjectNode) c.remove("text_config");
    text.remove("rope_parameters");
    c.setAll(text);
    c.put("model_type", "qwen2_vl");
    c.put("rope_theta", 1000000.0);
    c.putObject("rope_scaling").put("type", "mrope").putArray("mrope_section").add(2).add(3).add(3);
    Files.writeString(tmp.resolve("config.json"), json.writeValueAsString(c));
    Qwen2VlConfig q = Qwen2VlConfig.load(tmp);
    assertEquals(32, q.text().hiddenSize());
    assertEquals(1000000.0, q.text().rope().theta());
    assertArrayEquals(new int[] {2, 3, 3}, q.mropeSection());
  }

  @Test
  void refusesWhatItCannotRunNamingTheFile() throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode c = (ObjectNode) json.readTree(DIR.resolve("qwen2_vl/config.json").toFile());
    ((ObjectNode) c.get("text_config").get("rope_parameters"))
        .putArray("mrope_section")
        .add(2)
        .add(2)
        .add(2);
    Files.writeString(tmp.resolve("config.json"), json.writeValueAsString(c));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Qwen2VlConfig.load(tmp));
    assertTrue(
        e.getMessage().startsWith(tmp.resolve("config.json").toString())
            && e.getMessage().contains("mrope_section sums to 6 but half the head dim is 8"),
        e.getMessage());
    c.put("model_type", "llava");
    Files.writeString(tmp.resolve("config.json"), json.writeValueAsString(c));
    e = assertThrows(CheckpointException.class, () -> Qwen2VlConfig.load(tmp));
    assertTrue(e.getMessage().contains("is not qwen2_vl or qwen2_5_vl"), e.getMessage());
  }
}
