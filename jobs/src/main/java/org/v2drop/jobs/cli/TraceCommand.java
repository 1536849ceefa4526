package org.v2drop.jobs.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.v2drop.core.drop.MethodSpec;
import org.v2drop.core.engine.Engine;
import org.v2drop.core.family.ModelFamilies;
import org.v2drop.core.family.ModelFamily;
import org.v2drop.core.generate.Generation;
import org.v2drop.core.generate.KeptStage;
import org.v2drop.core.model.ComputeDType;
import org.v2drop.core.processor.EncodedInput;
import org.v2drop.core.processor.ImageDecoder;
import org.v2drop.core.processor.RgbImage;

/**
 * {@code v2drop trace}: one generation, printed as one JSON object (the contract other tools rely
 * on).
 */
final class TraceCommand {
  static final String USAGE =
      """
      usage: v2drop trace --model DIR [--image FILE ...] [--video-frames F1,F2,... ...] --prompt TEXT
                          --method SPEC [--max-new-tokens N] [--sample-id ID] [--device D] [--dtype T]

      Runs one greedy generation and prints ONE JSON object on stdout (logs go to stderr):
        input_ids, pixel_values_sum, stages [{layer, kept_positions}], last_logits_top5 {ids, values},
        generated_ids, text
      The prompt is used as written (no chat template), as the model family's HF processor would
      receive it: each image placeholder of the family (<image> for LLaVA, <|image_pad|> for Qwen2-VL)
      takes the next --image in order; each <|video_pad|> takes the next --video-frames, the frame
      image files of one video in order, comma-separated (Qwen2-VL / Qwen2.5-VL only).
      pixel_values_sum is the sum of the pixel tensors the vision tower receives.
      --method      vanilla | <method>@<layer>:<ratio>[,...] | <method>@<preset>   (see `v2drop methods`)
      --max-new-tokens  default 16
      --sample-id   seeds the random baseline (default "trace")
      """
          + Args.DEVICE_AND_DTYPE_HELP;

  private TraceCommand() {}

  static int run(Args args) throws Exception {
    Path model = args.requiredPath("--model");
    List<String> imageFiles = args.all("--image");
    List<String> videoArgs = args.all("--video-frames");
    String prompt = args.required("--prompt");
    MethodSpec method = MethodSpec.parse(args.required("--method"));
    int maxNew = args.intOption("--max-new-tokens", 16);
    String sampleId = args.option("--sample-id", "trace");
    Device device = args.device();
    ComputeDType dtype = args.dtype(device);
    args.finish();
    List<RgbImage> images = new ArrayList<>();
    for (String f : imageFiles) {
      images.add(ImageDecoder.read(Path.of(f)));
    }
    List<List<RgbImage>> videos = new ArrayList<>();
    int videoFrames = 0;
    for (String v : videoArgs) {
      List<RgbImage> frames = new ArrayList<>();
      for (String f : v.split(",")) {
        if (f.isBlank()) {
          throw new Args.UsageException("--video-frames: an empty frame file name in '" + v + "'");
        }
        frames.add(ImageDecoder.read(Path.of(f.strip())));
      }
      videos.add(frames);
      videoFrames += frames.size();
    }
    try (Engine engine =
        ModelFamilies.load(
            model,
            device,
            dtype,
            new ModelFamily.PlannedUse(
                1, prompt.length() + 1, images.size() + videoFrames, maxNew))) {
      EncodedInput input = engine.encode(prompt, images, videos, sampleId);
      Generation gen = engine.generate(input, method, maxNew);
      System.out.println(toJson(input, gen, engine.decode(gen.tokens()), dtype));
    }
    return 0;
  }

  static String toJson(EncodedInput input, Generation gen, String text, ComputeDType dtype)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    ArrayNode ids = out.putArray("input_ids");
    for (long id : input.inputIds()) {
      ids.add(id);
    }
    out.put("pixel_values_sum", input.pixelValuesSum());
    ArrayNode stages = out.putArray("stages");
    for (KeptStage s : gen.stages()) {
      ObjectNode st = stages.addObject();
      st.put("layer", s.layer());
      ArrayNode kept = st.putArray("kept_positions");
      for (long p : s.keptPositions()) {
        kept.add(p);
      }
    }
    ObjectNode top = out.putObject("last_logits_top5");
    ArrayNode topIds = top.putArray("ids");
    ArrayNode topValues = top.putArray("values");
    for (int i = 0; i < gen.lastLogitsTop5().ids().length; i++) {
      topIds.add(gen.lastLogitsTop5().ids()[i]);
      topValues.add(gen.lastLogitsTop5().values()[i]);
    }
    ArrayNode generated = out.putArray("generated_ids");
    for (long t : gen.tokens()) {
      generated.add(t);
    }
    out.put("text", text);
    out.put("schedule", gen.schedule());
    out.put("dtype", dtype.label());
    return json.writeValueAsString(out);
  }
}
