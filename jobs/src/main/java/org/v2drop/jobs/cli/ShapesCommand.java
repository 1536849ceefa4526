package org.v2drop.jobs.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.v2drop.jobs.shapes.ShapesSuite;

/** {@code v2drop shapes}: writes the ShapesVQA suite to any Hadoop path. */
final class ShapesCommand {
  static final String USAGE =
      """
      usage: v2drop shapes --out PATH [--split test|train|both] [--seed N] [--scale F]

      Writes the deterministic ShapesVQA suite (shapes_pope, shapes_mme, shapes_gqa, shapes_textvqa, shapes_sqa,
      shapes_mmbench, shapes_video) in the real lmms-eval Parquet layouts under PATH (local, hdfs://, s3a://);
      shapes_video as Video-MME is published: text rows plus an H.264 mp4 per sample in shapes_video/data/.
      Also PATH/_prompts/<split>.parquet with every sample's prompt, images (a clip's frames as rendered) and
      target answer.
      --split   default test;  --seed default 0 (same seed -> byte-identical files)
      --scale   multiplies the default sample counts (default 1.0)
      Default counts per task (test / train): %s / %s
      """
          .formatted(ShapesSuite.TEST_COUNTS.values(), ShapesSuite.TRAIN_COUNTS.values());

  private ShapesCommand() {}

  static int run(Args args) throws Exception {
    String out = args.required("--out");
    String split = args.option("--split", "test");
    long seed = Long.parseLong(args.option("--seed", "0"));
    double scale = Double.parseDouble(args.option("--scale", "1.0"));
    args.finish();
    if (!List.of("test", "train", "both").contains(split)) {
      throw new Args.UsageException("--split must be test, train or both, found '" + split + "'");
    }
    if (!(scale > 0)) {
      throw new Args.UsageException("--scale must be positive");
    }
    Configuration conf = new Configuration();
    for (String s : split.equals("both") ? List.of("train", "test") : List.of(split)) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      (s.equals("train") ? ShapesSuite.TRAIN_COUNTS : ShapesSuite.TEST_COUNTS)
          .forEach((k, v) -> counts.put(k, Math.max(1, (int) Math.round(v * scale))));
      int n =
          ShapesSuite.write(
              new Path(out), s, counts, seed, conf, msg -> System.err.println("shapes: " + msg));
      System.err.println("shapes: wrote " + n + " " + s + " samples under " + out);
    }
    return 0;
  }
}
