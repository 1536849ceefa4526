package org.v2drop.jobs.shapes;

import java.util.List;
import java.util.Map;
import org.apache.parquet.schema.MessageType;

/**
 * {@code <suite>/_prompts/<split>.parquet}: every ShapesVQA sample's full prompt (LLaVA-1.5
 * conversation), images and the answer a perfect model gives — what the demo-model trainer and the
 * HF parity runner (tools/) read. Column names are declared here once.
 */
final class PromptsTable {
  static final String TASK = "task";
  static final String SAMPLE_ID = "sample_id";
  static final String PROMPT = "prompt";
  static final String TARGET = "target";
  static final String IMAGES = "images";

  static final MessageType SCHEMA =
      ParquetTable.schema(
          ParquetTable.string(TASK),
          ParquetTable.string(SAMPLE_ID),
          ParquetTable.string(PROMPT),
          ParquetTable.string(TARGET),
          ParquetTable.imageList(IMAGES));

  private PromptsTable() {}

  static Map<String, Object> row(
      String task, String sampleId, String prompt, String target, List<ParquetTable.Image> images) {
    return TaskRows.row(
        TASK, task, SAMPLE_ID, sampleId, PROMPT, prompt, TARGET, target, IMAGES, images);
  }
}
