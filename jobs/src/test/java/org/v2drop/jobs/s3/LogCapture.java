package org.v2drop.jobs.s3;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log event (DEBUG and up) of the JVM while open, to check that nothing secret is
 * logged.
 */
final class LogCapture extends AbstractAppender {
  private final List<String> events = new ArrayList<>();
  private Level previous;

  private LogCapture() {
    super("v2drop-capture", null, null, true, Property.EMPTY_ARRAY);
  }

  static LogCapture open() {
    LogCapture c = new LogCapture();
    c.start();
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    Configuration config = ctx.getConfiguration();
    c.previous = config.getRootLogger().getLevel();
    config.getRootLogger().addAppender(c, Level.DEBUG, null);
    config.getRootLogger().setLevel(Level.DEBUG);
    ctx.updateLoggers();
    return c;
  }

  @Override
  public synchronized void append(LogEvent event) {
    StringBuilder sb =
        new StringBuilder(
            event.getLevel()
                + " "
                + event.getLoggerName()
                + ": "
                + event.getMessage().getFormattedMessage());
    for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
      sb.append(" | ").append(t);
    }
    events.add(sb.toString());
  }

  @Override
  public void stop() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().removeAppender(getName());
    ctx.getConfiguration().getRootLogger().setLevel(previous);
    ctx.updateLoggers();
    super.stop();
  }

  synchronized int lines() {
    return events.size();
  }

  /** Captured events (level, logger, message, causes) that contain {@code s}. */
  synchronized List<String> containing(String s) {
    return events.stream().filter(e -> e.contains(s)).toList();
  }
}
