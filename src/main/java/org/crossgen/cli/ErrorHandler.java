package org.crossgen.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one readable line on stderr and exit code 1.
 * Users see what went wrong and where (file, record, field); the stack trace only with
 * {@code CROSSGEN_DEBUG=1}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        cl.getErr().println("error: " + message(e));
        if ("1".equals(System.getenv("CROSSGEN_DEBUG"))) e.printStackTrace(cl.getErr());
        cl.getErr().flush();
        return 1;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
