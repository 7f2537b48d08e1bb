package org.crossgen.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ConcurrentModificationException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one readable line on stderr and exit code 1.
 * Users see what went wrong and where (file, record, field); the stack trace only with
 * {@code CROSSGEN_DEBUG=1}. The JDK's file exceptions carry only a path as their message
 * ({@code NoSuchFileException: keys.txt}), so they get their reason spelled out. An exception that
 * only a mistake in crossgen can cause gets a second line saying so.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final String BUG_HINT = "this looks like a bug in crossgen, not in your input: rerun with CROSSGEN_DEBUG=1 for the "
            + "stack trace, and report it";

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        cl.getErr().println("error: " + message(cause));
        if ("1".equals(System.getenv("CROSSGEN_DEBUG"))) e.printStackTrace(cl.getErr());
        else if (isBug(cause)) cl.getErr().println(BUG_HINT);
        cl.getErr().flush();
        return 1;
    }

    static String message(Throwable e) {
        if (e instanceof NoSuchFileException f) return "no such file or folder: " + f.getFile();
        if (e instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
        if (e instanceof NotDirectoryException f) return "not a folder: " + f.getFile();
        if (e instanceof DirectoryNotEmptyException f) return "folder not empty: " + f.getFile();
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() != null && Files.isRegularFile(Path.of(f.getFile()))
                    ? f.getFile() + " is a file; a folder is needed there" : "already exists: " + f.getFile();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Exceptions no input explains: a null, a bad cast or index, a division by zero, an unsupported call. */
    static boolean isBug(Throwable e) {
        return e instanceof NullPointerException || e instanceof ClassCastException || e instanceof IndexOutOfBoundsException
                || e instanceof ArithmeticException || e instanceof UnsupportedOperationException
                || e instanceof ConcurrentModificationException || e instanceof IllegalMonitorStateException
                || (e instanceof RuntimeException && (e.getMessage() == null || e.getMessage().isBlank()));
    }
}
