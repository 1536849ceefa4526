package org.v2drop.udf;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Maps the GPU Spark assigned to the running task ({@code TaskContext.resourcesJMap().get("gpu")})
 * to a DJL device. Without an assignment, or when the PyTorch engine has no CUDA, the task runs on
 * the CPU.
 *
 * @param device the DJL device the engine runs on
 * @param assignedGpu the address Spark assigned, or null
 */
public record DeviceBinding(Device device, String assignedGpu) {

  /** The binding for the current task (CPU outside Spark tasks). */
  public static DeviceBinding current() {
    TaskContext ctx = TaskContext.get();
    Map<String, ResourceInformation> res = ctx == null ? Map.of() : ctx.resourcesJMap();
    ResourceInformation gpu = res.get("gpu");
    String address = gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
    return of(address, Engine.getEngine("PyTorch").getGpuCount());
  }

  /**
   * Pure mapping: an assigned address becomes {@code gpu(address)} when the engine sees that many
   * GPUs.
   */
  static DeviceBinding of(String address, int engineGpus) {
    if (address == null) {
      return new DeviceBinding(Device.cpu(), null);
    }
    int id;
    try {
      id = Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Spark assigned GPU address '" + address + "', expected an integer index");
    }
    return new DeviceBinding(id < engineGpus ? Device.gpu(id) : Device.cpu(), address);
  }

  /**
   * How reports name the device: {@code gpu:0}, {@code cpu}, or {@code cpu (gpu 1 assigned; no CUDA
   * engine)}.
   */
  public String describe() {
    if (device.isGpu()) {
      return "gpu:" + device.getDeviceId();
    }
    return assignedGpu == null ? "cpu" : "cpu (gpu " + assignedGpu + " assigned; no CUDA engine)";
  }
}
