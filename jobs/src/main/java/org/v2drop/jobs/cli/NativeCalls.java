package org.v2drop.jobs.cli;

import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.lang.instrument.Instrumentation;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.SuperMethodCall;

/**
 * Counts calls into PyTorch: every native method of DJL's JNI library class ({@value #LIBRARY}) is
 * wrapped, before the class loads, by one that counts and then calls the original (a Java agent
 * attached to this JVM, native-method prefix {@value #PREFIX}). Nothing is wrapped unless {@link
 * #install} runs, so the instrument costs nothing when off; when on, each call costs a counter
 * increment, so times measured with it are not the engine's.
 */
public final class NativeCalls {
  static final String LIBRARY = "ai.djl.pytorch.jni.PyTorchLibrary";
  static final String PREFIX = "v2drop$counted$";
  private static final LongAdder CALLS = new LongAdder();
  private static volatile boolean installed;

  private NativeCalls() {}

  /**
   * Starts counting; must run before DJL's PyTorch engine starts in this JVM (it refuses when the
   * library class is already loaded: its methods could no longer be wrapped).
   */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    Instrumentation inst = ByteBuddyAgent.install();
    if (Arrays.stream(inst.getAllLoadedClasses()).anyMatch(c -> c.getName().equals(LIBRARY))) {
      throw new IllegalStateException(
          "cannot count native calls: DJL's PyTorch engine already started in this JVM (count in a"
              + " fresh one)");
    }
    new AgentBuilder.Default()
        .enableNativeMethodPrefix(PREFIX)
        .with(AgentBuilder.RedefinitionStrategy.DISABLED)
        .type(named(LIBRARY))
        .transform(
            (builder, type, loader, module, domain) ->
                builder
                    .method(isNative())
                    .intercept(Advice.to(Enter.class).wrap(SuperMethodCall.INSTANCE)))
        .installOn(inst);
    installed = true;
  }

  /** Whether calls are being counted. */
  public static boolean installed() {
    return installed;
  }

  /** Calls into PyTorch's JNI library so far (0 while not installed). */
  public static long count() {
    return CALLS.sum();
  }

  /** Counts one call (public: the woven code calls it from DJL's class). */
  public static void record() {
    CALLS.increment();
  }

  /** The code woven into each wrapped native method. */
  public static final class Enter {
    private Enter() {}

    @Advice.OnMethodEnter
    static void enter() {
      record();
    }
  }
}
