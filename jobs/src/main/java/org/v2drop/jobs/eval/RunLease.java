package org.v2drop.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run at a time per (output, run id): a lease taken before a run touches anything under its
 * output and released when it ends, on the file system of the reports.
 *
 * <p>The lease is the file {@code <output>/_leases/<run_id>.json} (host, pid, start time and a
 * random lease id; never rewritten), created only if absent: on the local file system by a hard
 * link to a fully written file (atomic, fails when the name exists), on HDFS by {@code
 * create(overwrite=false)} (atomic in the NameNode), on S3A by a conditional PUT ({@code
 * If-None-Match: *}, which Hadoop 3.4.2's S3A sends when asked with {@value #S3A_CONDITIONAL} and
 * Amazon S3 honours since 2024-08); on other file systems, and on S3 stores that ignore the header,
 * {@code create(overwrite=false)} is an existence check followed by a write, so two runs starting
 * in the same instant may both create it — the later write wins and the other run finds at its next
 * check that the lease is not its own, and stops before its next commit. While the run lives a
 * heartbeat file {@code <run_id>.<lease id>.beat} is rewritten every {@link Settings#heartbeat}; a
 * lease whose last heartbeat (the modification time of its beat file, else of the lease) is older
 * than {@link Settings#timeout} is stale and is taken over (logged), and so is one held by a
 * process of this host that has ended. Before removing a staging folder and before each cell commit
 * the run checks that the lease is still its own ({@link #check}).
 */
public final class RunLease implements AutoCloseable {
  /** What a run does when another live run holds the lease. */
  public enum Mode {
    /** Fail at once, naming the holder. */
    FAIL,
    /** Wait until the holder releases the lease or it goes stale, then take it. */
    WAIT,
    /** Take the lease whatever its state (operators: a run known to be dead). */
    FORCE
  }

  /**
   * Heartbeat interval and staleness timeout: Spark settings {@value #TIMEOUT_KEY} (default 120s)
   * and {@value #HEARTBEAT_KEY} (default 15s).
   */
  public record Settings(Duration timeout, Duration heartbeat) {
    public static final Settings DEFAULT =
        new Settings(Duration.ofSeconds(120), Duration.ofSeconds(15));
  }

  public static final String TIMEOUT_KEY = "spark.v2drop.lease.timeout";
  public static final String HEARTBEAT_KEY = "spark.v2drop.lease.heartbeat";

  /** S3A's create option for {@code If-None-Match: *} (Hadoop 3.4.2). */
  static final String S3A_CONDITIONAL = "fs.option.create.conditional.overwrite";

  /** Who holds a lease, as its file says. */
  public record Holder(String leaseId, String host, long pid, Instant started) {
    String describe() {
      return host + " (pid " + pid + ") since " + started;
    }
  }

  /** Another live run holds the lease (the message is the product's one line). */
  public static final class HeldException extends RuntimeException {
    HeldException(String message) {
      super(message);
    }
  }

  /** The run's lease was taken over or removed while it ran. */
  public static final class LostException extends RuntimeException {
    LostException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path lease;
  private final Path beat;
  private final String runId;
  private final String output;
  private final Holder self;
  private final ScheduledExecutorService heartbeat;
  private volatile String lost; // why the lease is no longer ours, once found

  private RunLease(
      FileSystem fs, Path lease, String runId, String output, Holder self, Settings s) {
    this.fs = fs;
    this.lease = lease;
    this.beat = beatPath(lease, runId, self.leaseId());
    this.runId = runId;
    this.output = output;
    this.self = self;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "v2drop-lease-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, s.heartbeat().toMillis());
    heartbeat.scheduleWithFixedDelay(this::beat, 0, every, TimeUnit.MILLISECONDS);
  }

  /** The lease file of {@code runId} under {@code output}. */
  public static Path leasePath(String output, String runId) {
    String root = output.endsWith("/") ? output.substring(0, output.length() - 1) : output;
    return new Path(root + "/_leases/" + runId + ".json");
  }

  private static Path beatPath(Path lease, String runId, String leaseId) {
    return new Path(lease.getParent(), runId + "." + leaseId + ".beat");
  }

  /**
   * Takes the lease of {@code runId} under {@code output}; {@code log} hears takeovers and waits.
   *
   * @throws HeldException when another live run holds it and {@code mode} is {@link Mode#FAIL}
   */
  public static RunLease acquire(
      Configuration conf,
      String output,
      String runId,
      Mode mode,
      Settings settings,
      Consumer<String> log) {
    Path lease = leasePath(output, runId);
    Holder self = new Holder(UUID.randomUUID().toString(), host(), pid(), Instant.now());
    long waitingSince = -1;
    long lastWaitLog = 0;
    try {
      FileSystem fs = lease.getFileSystem(conf);
      fs.mkdirs(lease.getParent());
      while (true) {
        if (createIfAbsent(fs, lease, content(self, runId))) {
          return new RunLease(fs, lease, runId, output, self, settings);
        }
        Holder holder = read(fs, lease);
        if (holder == null) {
          continue; // released (or being written) between our attempt and the read
        }
        Duration age = Duration.between(lastBeat(fs, lease, runId, holder), Instant.now());
        boolean stale = age.compareTo(settings.timeout()) > 0;
        boolean gone = processGone(holder, self);
        if (stale || gone || mode == Mode.FORCE) {
          if (takeOver(fs, lease, runId, holder)) {
            String why =
                gone
                    ? "its process is gone (same host)"
                    : stale
                        ? "no heartbeat for "
                            + seconds(age)
                            + " (stale after "
                            + seconds(settings.timeout())
                            + ")"
                        : "--force-lease, last heartbeat " + seconds(age) + " ago";
            log.accept(
                String.format(
                    Locale.ROOT,
                    "taking over the lease of run '%s' from %s: %s (lease file %s)",
                    runId,
                    holder.describe(),
                    why,
                    lease));
          }
          continue;
        }
        String busy =
            String.format(
                Locale.ROOT,
                "run '%s' is already running on %s: lease held by %s, last heartbeat %s ago"
                    + " (lease file %s).",
                runId,
                output,
                holder.describe(),
                seconds(age),
                lease);
        if (mode == Mode.FAIL) {
          throw new HeldException(
              busy
                  + " Wait for it with --wait; if that run is dead, rerun once its lease is stale"
                  + " (no heartbeat for "
                  + seconds(settings.timeout())
                  + ") or take it over now with --force-lease.");
        }
        long now = System.nanoTime();
        if (waitingSince < 0 || now - lastWaitLog > 60_000_000_000L) {
          log.accept("waiting: " + busy);
          waitingSince = waitingSince < 0 ? now : waitingSince;
          lastWaitLog = now;
        }
        Thread.sleep(Math.max(200, Math.min(5_000, settings.heartbeat().toMillis())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lease " + lease + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the lease " + lease, e);
    }
  }

  /**
   * Fails when the lease is no longer this run's (taken over by another run, or removed): called
   * before anything the run would otherwise destroy or publish.
   */
  public void check() {
    String why = lost;
    if (why == null) {
      try {
        Holder now = read(fs, lease);
        if (now == null || !now.leaseId().equals(self.leaseId())) {
          why = now == null ? "its lease file is gone" : "it is now held by " + now.describe();
          lost = why;
        }
      } catch (IOException e) {
        return; // an unreadable store now: the heartbeat and the next check decide
      }
    }
    if (why != null) {
      throw new LostException(
          "run '"
              + runId
              + "' on "
              + output
              + " lost its lease ("
              + why
              + "; lease file "
              + lease
              + "); stopping before it commits anything more");
    }
  }

  /** Stops the heartbeat and removes the lease if it is still this run's. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
      Holder now = read(fs, lease);
      if (now != null && now.leaseId().equals(self.leaseId())) {
        fs.delete(lease, false);
      }
      fs.delete(beat, false);
    } catch (IOException e) {
      System.err.println("v2drop: could not release the lease " + lease + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public Path path() {
    return lease;
  }

  /** Renews the heartbeat while the lease is ours; notes when it is not. */
  private void beat() {
    if (lost != null) {
      return;
    }
    try {
      Holder now = read(fs, lease);
      if (now == null || !now.leaseId().equals(self.leaseId())) {
        lost = now == null ? "its lease file is gone" : "it is now held by " + now.describe();
        return;
      }
      try (FSDataOutputStream out = fs.create(beat, true)) {
        out.write(Instant.now().toString().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      System.err.println("v2drop: lease heartbeat failed (retrying): " + e.getMessage());
    }
  }

  /** Creates {@code path} holding {@code bytes} unless it exists; false when it does. */
  public static boolean createIfAbsent(FileSystem fs, Path path, byte[] bytes) throws IOException {
    if (fs instanceof LocalFileSystem local) {
      java.nio.file.Path target = local.pathToFile(path).toPath();
      java.nio.file.Path tmp =
          target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.createLink(target, tmp); // atomic; fails when the name exists
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    if ("s3a".equals(fs.getScheme())) {
      try { // one PUT with If-None-Match: * (no existence check first): the store decides
        org.apache.hadoop.fs.FSDataOutputStreamBuilder<?, ?> b = fs.createFile(path);
        b.overwrite(true);
        b.must(S3A_CONDITIONAL, true);
        return write(b.build(), bytes);
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        if (fs.exists(path)) { // refused at close: 412 Precondition Failed
          return false;
        }
        System.err.println( // e.g. fs.s3a.create.conditional.enabled=false, or a store without it
            "v2drop: the store did not take a conditional create of "
                + path
                + " ("
                + e.getMessage()
                + "); using an existence check instead: two runs starting in the same instant may"
                + " both proceed until their next lease check");
      }
    }
    try {
      return write(fs.create(path, false), bytes);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(path)) { // created by another run between the check and the write
        return false;
      }
      throw e;
    }
  }

  private static boolean write(OutputStream out, byte[] bytes) throws IOException {
    try (OutputStream o = out) {
      o.write(bytes);
    }
    return true;
  }

  /**
   * Removes the stale lease of {@code holder}: renamed aside first (one atomic step on local and
   * HDFS, so of two runs taking over at once one succeeds), checked to be that holder's, then
   * deleted with its heartbeat. False when another run got there first.
   */
  private static boolean takeOver(FileSystem fs, Path lease, String runId, Holder holder)
      throws IOException {
    Path aside = new Path(lease.getParent(), "." + lease.getName() + ".taken-" + UUID.randomUUID());
    if (!fs.rename(lease, aside)) {
      return false;
    }
    Holder moved = read(fs, aside);
    if (moved != null && !moved.leaseId().equals(holder.leaseId())) {
      fs.rename(aside, lease); // a fresh lease, not the stale one: put it back
      return false;
    }
    fs.delete(aside, false);
    fs.delete(beatPath(lease, runId, holder.leaseId()), false);
    return true;
  }

  /** The holder the lease file names; null when there is no file or it is still being written. */
  static Holder read(FileSystem fs, Path lease) throws IOException {
    byte[] bytes;
    try (InputStream in = fs.open(lease)) {
      bytes = in.readAllBytes();
    } catch (FileNotFoundException e) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      return new Holder(
          n.get("lease_id").asText(),
          n.get("host").asText(),
          n.get("pid").asLong(),
          Instant.parse(n.get("started").asText()));
    } catch (IOException | RuntimeException e) {
      return null; // empty or partial: a create in progress (HDFS shows a file before its close)
    }
  }

  /**
   * A holder on this host whose process has ended (a driver that was killed or failed without
   * releasing): its lease need not wait to go stale.
   */
  private static boolean processGone(Holder holder, Holder self) {
    return holder.host().equals(self.host())
        && holder.pid() != self.pid()
        && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true);
  }

  /** When the holder last showed life: its beat file's time, else its lease file's. */
  private static Instant lastBeat(FileSystem fs, Path lease, String runId, Holder holder)
      throws IOException {
    for (Path p : new Path[] {beatPath(lease, runId, holder.leaseId()), lease}) {
      try {
        FileStatus st = fs.getFileStatus(p);
        return Instant.ofEpochMilli(st.getModificationTime());
      } catch (FileNotFoundException e) {
        // next
      }
    }
    return Instant.EPOCH;
  }

  private static byte[] content(Holder h, String runId) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("run_id", runId);
    n.put("lease_id", h.leaseId());
    n.put("host", h.host());
    n.put("pid", h.pid());
    n.put("started", h.started().toString());
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private static long pid() {
    return ProcessHandle.current().pid();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
  }

  /** Settings from Spark's configuration ({@value #TIMEOUT_KEY}, {@value #HEARTBEAT_KEY}). */
  public static Settings settings(org.apache.spark.SparkConf conf) {
    return new Settings(
        Duration.ofMillis(conf.getTimeAsMs(TIMEOUT_KEY, "120s")),
        Duration.ofMillis(conf.getTimeAsMs(HEARTBEAT_KEY, "15s")));
  }
}
