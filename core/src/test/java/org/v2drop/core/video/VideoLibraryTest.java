package org.v2drop.core.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Videos found in a directory or in zip archives read in place, handed out one local file at a
 * time.
 */
class VideoLibraryTest {
  static final Path FIXTURES = VideoDecoderTest.DIR;

  @Test
  void aDirectoryIsReadInPlaceWithFallbackNames(@TempDir Path tmp) {
    try (VideoLibrary lib =
        new VideoLibrary(LocalVideoStorage.INSTANCE, FIXTURES.toString(), tmp)) {
      try (LocalVideo v = lib.fetch(List.of("clip.mp4", "clip.MP4", "clip.mkv"), "s1")) {
        assertEquals(FIXTURES.resolve("clip.mkv"), v.path(), "the first name that exists");
        assertFalse(v.temporary());
      }
      assertTrue(Files.exists(FIXTURES.resolve("clip.mkv")), "in-place files are never deleted");
      VideoException e =
          assertThrows(
              VideoException.class, () -> lib.fetch(List.of("nope.mp4", "nope.mkv"), "s2"));
      assertTrue(
          e.getMessage().startsWith("s2: no video nope.mp4 / nope.mkv in " + FIXTURES),
          e.getMessage());
    }
  }

  @Test
  void zipsAreReadInPlaceAndCopiesDeletedAfterUse(@TempDir Path tmp) throws IOException {
    Path data = Files.createDirectories(tmp.resolve("Video-MME"));
    zip(data.resolve("videos_chunked_01.zip"), "data/h264.mp4", "data/");
    zip(data.resolve("videos_chunked_02.zip"), "data/clip.mkv");
    Path work = tmp.resolve("work");
    for (String location :
        List.of(data.toString(), data.resolve("videos_chunked_*.zip").toString())) {
      try (VideoLibrary lib = new VideoLibrary(LocalVideoStorage.INSTANCE, location, work)) {
        Path copy;
        try (LocalVideo v = lib.fetch(List.of("clip.mp4", "clip.mkv"), "s")) {
          copy = v.path();
          assertTrue(v.temporary());
          assertTrue(v.where().endsWith("videos_chunked_02.zip!data/clip.mkv"), v.where());
          assertEquals(
              Files.size(FIXTURES.resolve("clip.mkv")), Files.size(copy), "the entry's bytes");
          try (VideoDecoder d = VideoDecoder.open(copy, v.where())) {
            assertEquals(25, d.frameCount());
          }
        }
        assertFalse(Files.exists(copy), "the local copy is gone after use");
        try (LocalVideo v = lib.fetch(List.of("h264.mp4"), "s")) {
          assertTrue(v.where().endsWith("videos_chunked_01.zip!data/h264.mp4"), v.where());
        }
        VideoException e =
            assertThrows(VideoException.class, () -> lib.fetch(List.of("odd.mkv"), "s3"));
        assertTrue(e.getMessage().contains("nor in its 2 zip archives"), e.getMessage());
      }
    }
    try (var files = Files.list(work)) {
      assertEquals(0, files.count(), "nothing left behind");
    }
  }

  @Test
  void anArchiveWithAnEscapingEntryIsRefused(@TempDir Path tmp) throws IOException {
    zip(tmp.resolve("a.zip"), "data/h264.mp4", "data/../../evil.mp4");
    try (VideoLibrary lib = new VideoLibrary(LocalVideoStorage.INSTANCE, tmp.toString(), tmp)) {
      VideoException e =
          assertThrows(VideoException.class, () -> lib.fetch(List.of("h264.mp4"), "s"));
      assertTrue(
          e.getMessage()
              .contains("a.zip: entry 'data/../../evil.mp4' escapes the archive's folder"),
          e.getMessage());
    }
    for (String bad : List.of("/etc/x.mp4", "C:/x.mp4", "..\\x.mp4")) {
      assertThrows(VideoException.class, () -> VideoLibrary.checkInside(bad, "z.zip"), bad);
    }
    VideoLibrary.checkInside("data/a..b.mp4", "z.zip");
  }

  @Test
  void theSameFileNameInTwoArchivesIsAmbiguous(@TempDir Path tmp) throws IOException {
    zip(tmp.resolve("a.zip"), "data/h264.mp4");
    zip(tmp.resolve("b.zip"), "other/h264.mp4");
    try (VideoLibrary lib = new VideoLibrary(LocalVideoStorage.INSTANCE, tmp.toString(), tmp)) {
      VideoException e =
          assertThrows(VideoException.class, () -> lib.fetch(List.of("h264.mp4"), "s"));
      assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    }
  }

  /** A zip of fixture videos under the given entry names (a trailing / is a folder entry). */
  private static void zip(Path zip, String... entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (String e : entries) {
        z.putNextEntry(new ZipEntry(e));
        if (!e.endsWith("/")) {
          String name = e.substring(e.lastIndexOf('/') + 1);
          Path src = FIXTURES.resolve(name);
          z.write(Files.exists(src) ? Files.readAllBytes(src) : new byte[] {1});
        }
        z.closeEntry();
      }
    }
  }
}
