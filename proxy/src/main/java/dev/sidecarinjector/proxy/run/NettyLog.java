package dev.sidecarinjector.proxy.run;

import io.netty.util.internal.logging.AbstractInternalLogger;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

/**
 * Netty's warnings and errors as {@link EventLog} lines; its trace, debug and info messages are
 * dropped. Without a logging framework Netty falls back to {@code java.util.logging}, whose
 * LogManager, configuration reading and service lookups loaded ~150 classes (~1 MB) to print nothing.
 * Installed before the first Netty class asks for a logger.
 */
final class NettyLog extends InternalLoggerFactory {
    private NettyLog() {
    }

    static void install() {
        InternalLoggerFactory.setDefaultFactory(new NettyLog());
    }

    @Override
    protected InternalLogger newInstance(String name) {
        return new Logger(name);
    }

    private static final class Logger extends AbstractInternalLogger {
        Logger(String name) {
            super(name);
        }

        private void print(String level, String format, Object... args) {
            var line = new StringBuilder(level).append(' ').append(name()).append(": ");
            int from = 0;
            int arg = 0;
            for (int at = format.indexOf("{}"); at >= 0 && arg < args.length; at = format.indexOf("{}", from)) {
                line.append(format, from, at).append(args[arg++]);
                from = at + 2;
            }
            line.append(format, from, format.length());
            if (arg < args.length && args[args.length - 1] instanceof Throwable cause) {
                line.append(": ").append(cause);
            }
            EventLog.info(line.toString());
        }

        // WARN and ERROR are printed.

        @Override public boolean isWarnEnabled() { return true; }
        @Override public void warn(String msg) { print("netty warn", msg); }
        @Override public void warn(String format, Object arg) { print("netty warn", format, arg); }
        @Override public void warn(String format, Object... arguments) { print("netty warn", format, arguments); }
        @Override public void warn(String format, Object argA, Object argB) { print("netty warn", format, argA, argB); }
        @Override public void warn(String msg, Throwable t) { print("netty warn", msg, t); }

        @Override public boolean isErrorEnabled() { return true; }
        @Override public void error(String msg) { print("netty error", msg); }
        @Override public void error(String format, Object arg) { print("netty error", format, arg); }
        @Override public void error(String format, Object argA, Object argB) { print("netty error", format, argA, argB); }
        @Override public void error(String format, Object... arguments) { print("netty error", format, arguments); }
        @Override public void error(String msg, Throwable t) { print("netty error", msg, t); }

        // TRACE, DEBUG and INFO are dropped.

        @Override public boolean isTraceEnabled() { return false; }
        @Override public void trace(String msg) { }
        @Override public void trace(String format, Object arg) { }
        @Override public void trace(String format, Object argA, Object argB) { }
        @Override public void trace(String format, Object... arguments) { }
        @Override public void trace(String msg, Throwable t) { }

        @Override public boolean isDebugEnabled() { return false; }
        @Override public void debug(String msg) { }
        @Override public void debug(String format, Object arg) { }
        @Override public void debug(String format, Object argA, Object argB) { }
        @Override public void debug(String format, Object... arguments) { }
        @Override public void debug(String msg, Throwable t) { }

        @Override public boolean isInfoEnabled() { return false; }
        @Override public void info(String msg) { }
        @Override public void info(String format, Object arg) { }
        @Override public void info(String format, Object argA, Object argB) { }
        @Override public void info(String format, Object... arguments) { }
        @Override public void info(String msg, Throwable t) { }
    }
}
