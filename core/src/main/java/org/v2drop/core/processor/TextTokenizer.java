package org.v2drop.core.processor;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.v2drop.core.checkpoint.CheckpointException;

/**
 * The checkpoint's {@code tokenizer.json} through DJL's HF tokenizers, loaded from the local path
 * only.
 */
public final class TextTokenizer implements AutoCloseable {
  public static final String FILE = "tokenizer.json";

  private final HuggingFaceTokenizer tokenizer;

  private TextTokenizer(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Loads {@code dir/tokenizer.json}; special tokens and the post-processor (BOS) are honoured. */
  public static TextTokenizer load(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file + ": tokenizer file not found");
    }
    try {
      return new TextTokenizer(
          HuggingFaceTokenizer.newInstance(
              file, Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false")));
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(file + ": cannot load tokenizer: " + e.getMessage(), e);
    }
  }

  /** Token ids with the post-processor's special tokens (e.g. BOS). */
  public long[] encode(String text) {
    return tokenizer.encode(text, true, false).getIds();
  }

  /** Text of {@code ids} with special tokens skipped. */
  public String decode(long[] ids) {
    return tokenizer.decode(ids, true);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
