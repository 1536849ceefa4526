package org.v2drop.core.video;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A benchmark's videos at one location: a directory of video files ({@code <location>/<name>}), or
 * zip archives read in place without unzipping to disk first (Video-MME's {@code
 * videos_chunked_NN.zip}: a directory holding {@code *.zip}, one {@code .zip}, or a glob of them),
 * whose entries are found by file name or relative path wherever they sit inside; or folders of
 * frame images. Each video is handed out as a local file one at a time: in place when local, else a
 * temporary copy deleted when the caller closes it. An archive with an entry whose path escapes its
 * folder is refused whole.
 *
 * <p>Not thread-safe; close it to release the archives.
 */
public final class VideoLibrary implements AutoCloseable {
  private final VideoStorage storage;
  private final String location;
  private final Path tmp;
  private Map<String, List<Entry>> archive; // file name → zip entries, built on first need
  private final List<ZipFile> open = new ArrayList<>();

  private record Entry(ZipFile zip, ZipArchiveEntry entry, String zipPath) {}

  /**
   * @param tmp local directory for temporary copies
   */
  public VideoLibrary(VideoStorage storage, String location, Path tmp) {
    this.storage = storage;
    this.location = location;
    this.tmp = tmp;
  }

  public String location() {
    return location;
  }

  /**
   * The first of {@code names} (file names, in order of preference, e.g. {@code id.mp4}, {@code
   * id.MP4}, {@code id.mkv}) that the location holds; {@code what} names the sample in errors.
   */
  public LocalVideo fetch(List<String> names, String what) {
    try {
      Located found = locate(names);
      if (found != null) {
        return found.path() != null ? copy(found.path()) : extract(found.entry());
      }
      if (!isArchive(location) && !storage.isDirectory(location)) {
        throw new VideoException(
            what + ": the videos location " + location + " is neither a directory nor zips");
      }
      throw new VideoException(
          what
              + ": no video "
              + String.join(" / ", names)
              + " in "
              + location
              + (open.isEmpty() ? "" : " (nor in its " + open.size() + " zip archives)"));
    } catch (IOException e) {
      throw new VideoException(what + ": cannot read videos at " + location + ": " + e, e);
    }
  }

  /** A file at the location: a plain file's path, or an archive entry. */
  private record Located(String path, Entry entry) {}

  /**
   * Where the first of {@code names} is: in the location's folder, else in its archives; null when
   * nowhere.
   */
  private Located locate(List<String> names) throws IOException {
    if (!isArchive(location)) {
      for (String n : names) {
        String p = VideoStorage.join(location, n);
        if (storage.isFile(p)) {
          return new Located(p, null);
        }
      }
      if (!storage.isDirectory(location)) {
        return null;
      }
    }
    Map<String, List<Entry>> index = archive();
    for (String n : names) {
      Entry e = find(index, n);
      if (e != null) {
        return new Located(null, e);
      }
    }
    return null;
  }

  private static boolean isArchive(String location) {
    return location.endsWith(".zip") || location.contains("*");
  }

  private LocalVideo copy(String path) throws IOException {
    Path local = storage.local(path);
    if (local != null) {
      return new LocalVideo(local, false, path);
    }
    Path to = temp(path);
    try (SeekableByteChannel ch = storage.open(path);
        InputStream in = Channels.newInputStream(ch)) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(to);
      throw e;
    }
    return new LocalVideo(to, true, path);
  }

  private LocalVideo extract(Entry e) throws IOException {
    String where = e.zipPath() + "!" + e.entry().getName();
    Path to = temp(e.entry().getName());
    try (InputStream in = e.zip().getInputStream(e.entry())) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException x) {
      Files.deleteIfExists(to);
      throw new VideoException(where + ": cannot extract: " + x.getMessage(), x);
    }
    return new LocalVideo(to, true, where);
  }

  private Path temp(String name) throws IOException {
    Files.createDirectories(tmp);
    String base = name.substring(name.lastIndexOf('/') + 1);
    return Files.createTempFile(
        tmp, "v2drop-video-", "-" + base.replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  /** File name → entry over every archive at the location (read once, their directories only). */
  private Map<String, List<Entry>> archive() throws IOException {
    if (archive != null) {
      return archive;
    }
    String glob = isArchive(location) ? location : VideoStorage.join(location, "*.zip");
    Map<String, List<Entry>> index = new LinkedHashMap<>();
    for (String zipPath : storage.glob(glob)) {
      ZipFile zip = ZipFile.builder().setSeekableByteChannel(storage.open(zipPath)).get();
      open.add(zip);
      Enumeration<ZipArchiveEntry> entries = zip.getEntries();
      List<ZipArchiveEntry> files = new ArrayList<>();
      while (entries.hasMoreElements()) {
        ZipArchiveEntry e = entries.nextElement();
        checkInside(e.getName(), zipPath);
        if (!e.isDirectory()) {
          files.add(e);
        }
      }
      for (ZipArchiveEntry e : files) {
        index
            .computeIfAbsent(base(e.getName()), k -> new ArrayList<>())
            .add(new Entry(zip, e, zipPath));
      }
    }
    archive = index;
    return index;
  }

  /**
   * The entry at {@code name} (a file name or a relative path) wherever it sits in the archives:
   * its path equals {@code name} or ends with {@code /name}; null when none; more than one is
   * ambiguous.
   */
  private static Entry find(Map<String, List<Entry>> index, String name) {
    List<Entry> found = new ArrayList<>();
    for (Entry e : index.getOrDefault(base(name), List.of())) {
      String n = e.entry().getName();
      if (n.equals(name) || n.endsWith("/" + name)) {
        found.add(e);
      }
    }
    if (found.size() > 1) {
      throw new VideoException(
          found.get(0).zipPath()
              + "!"
              + found.get(0).entry().getName()
              + " and "
              + found.get(1).zipPath()
              + "!"
              + found.get(1).entry().getName()
              + " both match "
              + name
              + "; which video is meant is ambiguous");
    }
    return found.isEmpty() ? null : found.get(0);
  }

  private static String base(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * The frame images of {@code name} when it is a folder of frames at the location (MVBench's frame
   * subtasks), sorted by name; null when it is not a folder.
   */
  public List<String> frameFolder(String name) {
    if (isArchive(location)) {
      return null;
    }
    String dir = VideoStorage.join(location, name);
    try {
      if (!storage.isDirectory(dir)) {
        return null;
      }
      List<String> frames = new ArrayList<>();
      for (String f : storage.glob(VideoStorage.join(dir, "*"))) {
        String lower = f.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png")) {
          frames.add(f);
        }
      }
      if (frames.isEmpty()) {
        throw new VideoException(dir + ": a folder without frame images (.jpg, .png)");
      }
      return frames;
    } catch (IOException e) {
      throw new VideoException(dir + ": cannot list frames: " + e.getMessage(), e);
    }
  }

  /**
   * The bytes of the file called {@code name} at the location (in its folder or its archives), or
   * null when there is none (a subtitle file).
   */
  public byte[] bytes(String name) {
    try {
      Located found = locate(List.of(name));
      if (found == null) {
        return null;
      }
      if (found.path() != null) {
        return read(found.path());
      }
      try (InputStream in = found.entry().zip().getInputStream(found.entry().entry())) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new VideoException(location + ": cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  /** A file's bytes (a frame image). */
  public byte[] read(String path) {
    try (SeekableByteChannel ch = storage.open(path);
        InputStream in = Channels.newInputStream(ch)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new VideoException(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Refuses entry names that would land outside the archive's folder when unzipped. */
  static void checkInside(String name, String zipPath) {
    String n = name.replace('\\', '/');
    boolean escapes = n.startsWith("/") || n.matches("^[A-Za-z]:.*");
    for (String part : n.split("/")) {
      if (part.equals("..")) {
        escapes = true;
      }
    }
    if (escapes) {
      throw new VideoException(
          zipPath + ": entry '" + name + "' escapes the archive's folder; refusing the archive");
    }
  }

  @Override
  public void close() {
    for (ZipFile z : open) {
      try {
        z.close();
      } catch (IOException e) {
        // read-only: nothing is lost
      }
    }
    open.clear();
    archive = null;
  }
}
