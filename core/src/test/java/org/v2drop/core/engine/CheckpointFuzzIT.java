package org.v2drop.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.v2drop.core.checkpoint.CheckpointException;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.testing.Checkpoints;

/**
 * Untrusted checkpoints: 1,200 seeded mutations of safetensors headers and data, sharded index
 * files and config.json. Every case must either load (a data-only change) or fail with a {@link
 * CheckpointException} that says what is wrong — never another exception type, an abort, a hang (20
 * s per case) or an out-of-memory error.
 */
class CheckpointFuzzIT {
  static final long SEED = 20261126L;
  static final int CASES = 1200;
  static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
  static final List<String> EXTREMES =
      List.of(
          "-1",
          "0",
          "1",
          "3",
          "2147483647",
          "2147483648",
          "-2147483649",
          "9223372036854775807",
          "18446744073709551616",
          "1e308",
          "4.5",
          "99999999999999999999999",
          "-0");

  @TempDir Path tmp;

  @Test
  void mutatedCheckpointsFailCleanly() throws Exception {
    Path singleSrc = Checkpoints.copy("tiny-llava-a", tmp.resolve("src-a"));
    Path shardedSrc = Checkpoints.copy("tiny-llava-b", tmp.resolve("src-b"));
    SplittableRandom rng = new SplittableRandom(SEED);
    Map<String, Integer> outcomes = new TreeMap<>();
    ExecutorService pool =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-load");
              t.setDaemon(true);
              return t;
            });
    try {
      for (int i = 0; i < CASES; i++) {
        SplittableRandom caseRng = rng.split();
        int kind = caseRng.nextInt(5);
        Path dir = tmp.resolve("case");
        deleteTree(dir);
        String what =
            switch (kind) {
              case 0 ->
                  mutateSafetensorsHeader(
                      copy(singleSrc, dir).resolve("model.safetensors"), caseRng);
              case 1 ->
                  mutateSafetensorsData(copy(singleSrc, dir).resolve("model.safetensors"), caseRng);
              case 2 ->
                  mutateJson(
                      copy(shardedSrc, dir).resolve("model.safetensors.index.json"), caseRng);
              case 3 ->
                  mutateJson(
                      copy(caseRng.nextBoolean() ? singleSrc : shardedSrc, dir)
                          .resolve("config.json"),
                      caseRng);
              default -> mutateShardHeader(copy(shardedSrc, dir), caseRng);
            };
        String label = "case " + i + " (" + what + ")";
        Future<String> f = pool.submit(() -> attempt(dir));
        String outcome;
        try {
          outcome = f.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          f.cancel(true);
          fail(label + ": loading hung for 20 s");
          return;
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          throw new AssertionError(
              label + ": expected a CheckpointException or a successful load, got " + c, c);
        }
        outcomes.merge(outcome, 1, Integer::sum);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println("checkpoint fuzz outcomes: " + outcomes);
    assertEquals(CASES, outcomes.values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(
        outcomes.getOrDefault("rejected", 0) > CASES / 2,
        "most mutations are refused: " + outcomes);
    assertTrue(
        outcomes.getOrDefault("loaded", 0) > 0, "data-only mutations still load: " + outcomes);
  }

  /**
   * "loaded" (and then it generates) or "rejected" with a message naming the file it read; anything
   * but a CheckpointException (or an Error) propagates.
   */
  private static String attempt(Path dir) {
    LlavaEngine engine;
    try {
      engine = LlavaEngine.load(dir, Device.cpu());
    } catch (CheckpointException e) {
      String m = String.valueOf(e.getMessage());
      assertTrue(
          m.contains(dir.toString()) || FILES.matcher(m).find(),
          "the message names the file (or directory) that is wrong: " + m);
      return "rejected";
    }
    try (engine) {
      EncodedInput text = engine.encode("USER: Hello there ASSISTANT:", List.of(), "fuzz");
      Generation g = engine.generate(text, MethodSpec.parse("v2drop@1:0.5"), 3);
      assertTrue(g.tokens().length >= 1, "a checkpoint that loads generates");
      return "loaded";
    }
  }

  /** The checkpoint files a message may name instead of the directory. */
  static final Pattern FILES =
      Pattern.compile("(config\\.json|\\.safetensors|model\\.safetensors\\.index\\.json)");

  /**
   * Edits the JSON header of a safetensors file; sometimes its length prefix, sometimes the text.
   */
  static String mutateSafetensorsHeader(Path file, SplittableRandom rng) throws IOException {
    byte[] all = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    byte[] header = Arrays.copyOfRange(all, 8, 8 + (int) n);
    byte[] data = Arrays.copyOfRange(all, 8 + (int) n, all.length);
    int op = rng.nextInt(4);
    if (op == 0) {
      long[] lengths = {
        0, 1, 7, n - 1, n + 1, all.length, Long.MAX_VALUE, -1, 1L << 40, Integer.MAX_VALUE + 1L
      };
      long len = lengths[rng.nextInt(lengths.length)];
      ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(len);
      Files.write(file, all);
      return "header length " + len;
    }
    if (op == 1) {
      int cut = rng.nextInt(all.length);
      Files.write(file, Arrays.copyOf(all, cut));
      return "truncated at " + cut;
    }
    String text = new String(header, StandardCharsets.UTF_8);
    String mutated = mutateText(text, rng);
    byte[] h = mutated.getBytes(StandardCharsets.UTF_8);
    boolean fixLength = op == 2;
    ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(fixLength ? h.length : n).put(h).put(data);
    Files.write(file, out.array());
    return "header text" + (fixLength ? "" : " (stale length)");
  }

  /** Overwrites bytes in the tensor data (header intact): a well-formed file with other numbers. */
  static String mutateSafetensorsData(Path file, SplittableRandom rng) throws IOException {
    byte[] all = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    int start = 8 + (int) n;
    for (int k = 0; k < 1 + rng.nextInt(64); k++) {
      all[start + rng.nextInt(all.length - start)] = (byte) rng.nextInt(256);
    }
    Files.write(file, all);
    return "tensor data bytes";
  }

  /** Mutates the header of one shard of the sharded checkpoint. */
  static String mutateShardHeader(Path dir, SplittableRandom rng) throws IOException {
    Path shard = dir.resolve("model-0000" + (1 + rng.nextInt(3)) + "-of-00003.safetensors");
    return shard.getFileName() + ": " + mutateSafetensorsHeader(shard, rng);
  }

  static String mutateJson(Path file, SplittableRandom rng) throws IOException {
    String text = Files.readString(file);
    Files.writeString(file, mutateText(text, rng));
    return file.getFileName().toString();
  }

  /**
   * One of: a number replaced by an extreme, a byte changed, a span deleted or duplicated, a path
   * escaped.
   */
  static String mutateText(String text, SplittableRandom rng) {
    int op = rng.nextInt(6);
    if (op <= 1) {
      Matcher m = NUMBER.matcher(text);
      List<int[]> spans = new java.util.ArrayList<>();
      while (m.find()) {
        spans.add(new int[] {m.start(), m.end()});
      }
      if (!spans.isEmpty()) {
        int[] s = spans.get(rng.nextInt(spans.size()));
        return text.substring(0, s[0])
            + EXTREMES.get(rng.nextInt(EXTREMES.size()))
            + text.substring(s[1]);
      }
    }
    if (op == 2) {
      char[] c = text.toCharArray();
      String junk = "{}[]\",:09-eaZ \\\u0000";
      c[rng.nextInt(c.length)] = junk.charAt(rng.nextInt(junk.length()));
      return new String(c);
    }
    if (op == 3) {
      int a = rng.nextInt(text.length());
      int b = Math.min(text.length(), a + 1 + rng.nextInt(40));
      return text.substring(0, a) + text.substring(b);
    }
    if (op == 4) {
      int a = rng.nextInt(text.length());
      int b = Math.min(text.length(), a + 1 + rng.nextInt(40));
      return text.substring(0, b) + text.substring(a, b) + text.substring(b);
    }
    String[] swaps = {
      "model-00002-of-00003.safetensors",
      "../../outside.safetensors",
      "F32",
      "BF16",
      "I64",
      "U8",
      "F64"
    };
    String from = text.contains("safetensors\"") ? "model-00001-of-00003.safetensors" : "F16";
    return text.replaceFirst(
        Pattern.quote(from), Matcher.quoteReplacement(swaps[rng.nextInt(swaps.length)]));
  }

  private static Path copy(Path src, Path dst) throws IOException {
    Files.createDirectories(dst);
    try (var files = Files.list(src)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(p)) {
          Files.copy(p, dst.resolve(p.getFileName()));
        }
      }
    }
    return dst;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
