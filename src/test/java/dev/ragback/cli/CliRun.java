package dev.ragback.cli;

import dev.ragback.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs ragback in-process through {@link Main#run} and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), env, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    static CliRun of(String... args) {
        return of(Map.of(), args);
    }

    String lastErrLine() {
        String[] lines = err.strip().split("\\R");
        return lines[lines.length - 1];
    }
}
