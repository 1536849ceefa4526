package org.v2drop.udf;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.v2drop.core.video.VideoStorage;

/**
 * Video files on any Hadoop file system (local, HDFS, {@code s3a://}): local files are read in
 * place, remote ones through positioned reads (a zip archive's directory and one entry at a time,
 * never the whole archive).
 */
final class HadoopVideoStorage implements VideoStorage {
  private final Configuration conf;

  HadoopVideoStorage(Map<String, String> hadoopConf) {
    conf = new Configuration();
    hadoopConf.forEach(conf::set);
  }

  private FileSystem fs(org.apache.hadoop.fs.Path p) throws IOException {
    return p.getFileSystem(conf);
  }

  @Override
  public List<String> glob(String glob) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(glob);
    FileStatus[] found = fs(p).globStatus(p);
    List<String> out = new ArrayList<>();
    if (found != null) {
      for (FileStatus s : found) {
        if (s.isFile()) {
          out.add(s.getPath().toString());
        }
      }
    }
    out.sort(String::compareTo);
    return out;
  }

  @Override
  public boolean isFile(String path) throws IOException {
    FileStatus s = status(path);
    return s != null && s.isFile();
  }

  @Override
  public boolean isDirectory(String path) throws IOException {
    FileStatus s = status(path);
    return s != null && s.isDirectory();
  }

  private FileStatus status(String path) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try {
      return fs(p).getFileStatus(p);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  @Override
  public SeekableByteChannel open(String path) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    FileSystem fs = fs(p);
    long size = fs.getFileStatus(p).getLen();
    return new Channel(fs.open(p), size);
  }

  @Override
  public Path local(String path) {
    URI uri = URI.create(path);
    if (uri.getScheme() == null) {
      return Path.of(path);
    }
    return uri.getScheme().equals("file") ? Path.of(uri) : null;
  }

  /** A read-only seekable channel over positioned reads of a Hadoop stream. */
  private static final class Channel implements SeekableByteChannel {
    private final FSDataInputStream in;
    private final long size;
    private long position;
    private boolean open = true;

    Channel(FSDataInputStream in, long size) {
      this.in = in;
      this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (position >= size) {
        return -1;
      }
      int want = (int) Math.min(dst.remaining(), size - position);
      byte[] buf = new byte[want];
      int n = in.read(position, buf, 0, want);
      if (n > 0) {
        dst.put(buf, 0, n);
        position += n;
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
      position = newPosition;
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() throws IOException {
      open = false;
      in.close();
    }
  }
}
