package org.v2drop.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors tensors of a checkpoint directory: {@code model.safetensors}, or the shards
 * listed by {@code model.safetensors.index.json}. Shard names must stay inside the directory.
 */
public final class CheckpointFiles {
  public static final String SINGLE = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  private CheckpointFiles() {}

  /** All tensors of the checkpoint by name, headers validated; a tensor named twice is an error. */
  public static Map<String, TensorInfo> tensors(Path dir) {
    Path index = dir.resolve(INDEX);
    if (Files.isRegularFile(index)) {
      return sharded(dir, index);
    }
    Path single = dir.resolve(SINGLE);
    if (!Files.isRegularFile(single)) {
      throw new CheckpointException(dir + ": no " + SINGLE + " or " + INDEX + " found");
    }
    return SafetensorsFile.open(single).tensors();
  }

  private static Map<String, TensorInfo> sharded(Path dir, Path index) {
    JsonNode map = JsonFiles.readObject(index).get("weight_map");
    if (map == null || !map.isObject() || map.isEmpty()) {
      throw new CheckpointException(index + ": missing or empty 'weight_map'");
    }
    Map<String, String> keyToShard = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = map.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new CheckpointException(
            index
                + ": weight_map['"
                + e.getKey()
                + "'] must be a file name, found "
                + e.getValue());
      }
      keyToShard.put(e.getKey(), e.getValue().asText());
    }
    Path root = dir.toAbsolutePath().normalize();
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    for (String shard : keyToShard.values()) {
      if (!shards.containsKey(shard)) {
        shards.put(shard, SafetensorsFile.open(shardPath(root, index, shard)));
      }
    }
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : keyToShard.entrySet()) {
      TensorInfo t = shards.get(e.getValue()).tensors().get(e.getKey());
      if (t == null) {
        throw new CheckpointException(
            index
                + ": tensor '"
                + e.getKey()
                + "' is mapped to "
                + e.getValue()
                + " but that shard does not contain it");
      }
      out.put(e.getKey(), t);
    }
    return out;
  }

  /** Resolves a shard name and rejects names that escape the checkpoint directory. */
  static Path shardPath(Path root, Path index, String shard) {
    Path p = root.resolve(shard).normalize();
    if (shard.isEmpty() || !p.startsWith(root) || p.equals(root) || !p.getParent().equals(root)) {
      throw new CheckpointException(
          index + ": shard name '" + shard + "' escapes the checkpoint directory " + root);
    }
    return p;
  }
}
