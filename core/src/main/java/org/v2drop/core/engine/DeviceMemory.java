package org.v2drop.core.engine;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a device can hold: CUDA's own figures on a GPU; on a CPU the smaller of the memory the
 * system has available and the container's (cgroup) limit less what it uses. On a CPU the weights,
 * created from Java buffers, also live in the JVM's direct memory ({@link #directHeadroom}).
 */
public final class DeviceMemory {
  private DeviceMemory() {}

  /** Bytes a model could still take on {@code device}, or -1 when nothing says. */
  public static long availableBytes(Device device) {
    if (device.isGpu()) {
      MemoryUsage m = CudaUtils.getGpuMemory(device);
      return m.getMax() - m.getCommitted();
    }
    long best = Long.MAX_VALUE;
    long meminfo = memAvailable();
    if (meminfo >= 0) {
      best = Math.min(best, meminfo);
    }
    long cgroup = cgroupHeadroom();
    if (cgroup >= 0) {
      best = Math.min(best, cgroup);
    }
    return best == Long.MAX_VALUE ? -1 : best;
  }

  /** What {@link #availableBytes} read, for error messages. */
  public static String describe(Device device) {
    if (device.isGpu()) {
      MemoryUsage m = CudaUtils.getGpuMemory(device);
      return device + ": " + mb(m.getMax() - m.getCommitted()) + " free of " + mb(m.getMax());
    }
    long cgroup = cgroupHeadroom();
    return "cpu: "
        + mb(memAvailable())
        + " available (MemAvailable), container headroom "
        + (cgroup >= 0 ? mb(cgroup) : "unlimited")
        + " (cgroup)";
  }

  /** Direct memory this JVM may still reserve: -XX:MaxDirectMemorySize less what it holds. */
  public static long directHeadroom() {
    long used = 0;
    for (java.lang.management.BufferPoolMXBean pool :
        ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        used = pool.getMemoryUsed();
      }
    }
    return directMemoryLimit() - used;
  }

  /**
   * CUDA memory in use on {@code device} (total − free, PyTorch's cache included); null on a CPU.
   */
  public static Double usedMb(Device device) {
    if (!device.isGpu()) {
      return null;
    }
    return CudaUtils.getGpuMemory(device).getCommitted() / (1024.0 * 1024.0);
  }

  static String mb(long bytes) {
    return bytes < 0
        ? "unknown"
        : String.format(java.util.Locale.ROOT, "%,.1f MiB", bytes / (1024.0 * 1024.0));
  }

  /** /proc/meminfo's MemAvailable in bytes, or -1. */
  static long memAvailable() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: nothing to say
    }
    return -1;
  }

  /** The cgroup (v2, else v1) memory limit less current use, or -1 when unlimited or unknown. */
  static long cgroupHeadroom() {
    List<Path[]> candidates =
        List.of(
            new Path[] {
              Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory.current")
            },
            new Path[] {
              Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
              Path.of("/sys/fs/cgroup/memory/memory.usage_in_bytes")
            });
    for (Path[] c : candidates) {
      try {
        String limit = Files.readString(c[0]).trim();
        if (limit.equals("max")) {
          return -1;
        }
        long l = Long.parseLong(limit);
        if (l >= Long.MAX_VALUE / 2) {
          return -1; // cgroup v1's "unlimited"
        }
        return l - Long.parseLong(Files.readString(c[1]).trim());
      } catch (IOException | RuntimeException e) {
        // try the next layout
      }
    }
    return -1;
  }

  /** -XX:MaxDirectMemorySize, or the heap limit it defaults to. */
  static long directMemoryLimit() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean hs =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      long v = Long.parseLong(hs.getVMOption("MaxDirectMemorySize").getValue());
      return v > 0 ? v : Runtime.getRuntime().maxMemory();
    } catch (RuntimeException e) {
      return Runtime.getRuntime().maxMemory();
    }
  }
}
