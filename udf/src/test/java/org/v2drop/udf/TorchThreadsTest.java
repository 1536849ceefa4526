package org.v2drop.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * A task's PyTorch threads follow spark.task.cpus unless spark.v2drop.torch.threads says otherwise.
 */
class TorchThreadsTest {
  @Test
  void followsTheTaskCpus() {
    assertEquals(0, TorchThreads.forTask(null), "outside Spark PyTorch keeps its default");
    assertEquals(1, TorchThreads.forTask(new SparkConf(false)), "one core per task by default");
    assertEquals(4, TorchThreads.forTask(new SparkConf(false).set("spark.task.cpus", "4")));
    assertEquals(
        3,
        TorchThreads.forTask(
            new SparkConf(false).set("spark.task.cpus", "4").set(TorchThreads.SETTING, "3")));
    assertEquals(0, TorchThreads.forTask(new SparkConf(false).set(TorchThreads.SETTING, "0")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TorchThreads.forTask(new SparkConf(false).set(TorchThreads.SETTING, "-2")));
    assertEquals("spark.v2drop.torch.threads must be >= 0, found -2", e.getMessage());
  }
}
