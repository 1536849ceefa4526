package org.v2drop.core.video;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Video files on the local file system (paths, or {@code file:} URIs). */
public final class LocalVideoStorage implements VideoStorage {
  public static final LocalVideoStorage INSTANCE = new LocalVideoStorage();

  private LocalVideoStorage() {}

  @Override
  public List<String> glob(String glob) throws IOException {
    Path p = path(glob);
    Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName());
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(f -> Files.isRegularFile(f) && m.matches(f.getFileName()))
          .forEach(f -> out.add(f.toString()));
    }
    out.sort(String::compareTo);
    return out;
  }

  @Override
  public boolean isFile(String path) {
    return Files.isRegularFile(path(path));
  }

  @Override
  public boolean isDirectory(String path) {
    return Files.isDirectory(path(path));
  }

  @Override
  public SeekableByteChannel open(String path) throws IOException {
    return Files.newByteChannel(path(path), StandardOpenOption.READ);
  }

  @Override
  public Path local(String path) {
    return path(path);
  }

  private static Path path(String p) {
    return p.startsWith("file:") ? Path.of(java.net.URI.create(p)) : Path.of(p);
  }
}
