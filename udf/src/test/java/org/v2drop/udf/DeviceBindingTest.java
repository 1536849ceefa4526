package org.v2drop.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceBindingTest {
  @Test
  void assignedGpuMapsToThatDeviceWhenTheEngineHasIt() {
    DeviceBinding b = DeviceBinding.of("1", 2);
    assertEquals(Device.gpu(1), b.device());
    assertEquals("gpu:1", b.describe());
  }

  @Test
  void noAssignmentOrNoCudaMeansCpu() {
    DeviceBinding none = DeviceBinding.of(null, 4);
    assertEquals(Device.cpu(), none.device());
    assertNull(none.assignedGpu());
    assertEquals("cpu", none.describe());
    DeviceBinding fallback = DeviceBinding.of("0", 0);
    assertEquals(Device.cpu(), fallback.device());
    assertTrue(fallback.describe().contains("gpu 0 assigned; no CUDA engine"), fallback.describe());
    assertThrows(IllegalArgumentException.class, () -> DeviceBinding.of("gpu-a", 1));
  }

  @Test
  void engineSpecOverridesAndSerializes() throws Exception {
    EngineSpec spec =
        new EngineSpec("r", "m", "/ckpt", "auto", 1, Map.of("*", 8, "pope", 3), Map.of());
    assertEquals(3, spec.maxNewTokens("pope", 128));
    assertEquals(8, spec.maxNewTokens("gqa", 16));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    new java.io.ObjectOutputStream(bytes).writeObject(new EvaluatePartition(spec));
    assertTrue(
        bytes.size() < 4000,
        "the partition function ships only the spec: " + bytes.size() + " bytes");
  }
}
