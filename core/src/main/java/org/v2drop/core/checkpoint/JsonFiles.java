package org.v2drop.core.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the JSON files of a checkpoint directory with errors that name the file. */
public final class JsonFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFiles() {}

  /** Parses {@code file} as a JSON object. */
  public static JsonNode readObject(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(file + ": file not found");
    }
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (n == null || !n.isObject()) {
        throw new CheckpointException(file + ": expected a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new CheckpointException(
          file
              + ": malformed JSON: "
              + e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** A required integer field. */
  public static int requireInt(JsonNode n, String key, Path file) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw new CheckpointException(file + ": missing required key '" + key + "'");
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new CheckpointException(file + ": key '" + key + "' must be an integer, found " + v);
    }
    return v.asInt();
  }

  /** An optional integer field with a default. */
  public static int optInt(JsonNode n, String key, int dflt, Path file) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? dflt : requireInt(n, key, file);
  }

  /** An optional number field with a default. */
  public static double optDouble(JsonNode n, String key, double dflt, Path file) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw new CheckpointException(file + ": key '" + key + "' must be a number, found " + v);
    }
    return v.asDouble();
  }

  /** An optional string field with a default. */
  public static String optString(JsonNode n, String key, String dflt, Path file) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      throw new CheckpointException(file + ": key '" + key + "' must be a string, found " + v);
    }
    return v.asText();
  }
}
