package dev.ragback.adapters.postgres;

import dev.ragback.adapters.os.ChildContext;
import org.slf4j.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Starting PostgreSQL's programs: argv lists, a clean environment, stderr to the log. */
final class ChildProcesses {
    // other systems' secrets have no business in a PostgreSQL program's environment
    private static final Set<String> FOREIGN_SECRETS = Set.of("QDRANT_API_KEY", "SLACK_WEBHOOK", "EVAL_JUDGE_API_KEY",
            "EVAL_RAG_AUTH", "RAGBACK_SIGNING_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

    private ChildProcesses() {
    }

    static ProcessBuilder builder(ChildContext context, List<String> argv, Map<String, String> environment) {
        ProcessBuilder builder = context.builder(argv);
        builder.environment().keySet().removeAll(FOREIGN_SECRETS);
        builder.environment().putAll(environment);
        return builder;
    }

    /** {@code what}, and the child's last error once it has ended (or 5 s passed). */
    static String failure(Process child, StderrTail errors, String what) {
        try {
            child.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            return what + ": " + errors.text();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return what;
        }
    }

    /** Reads a child's stderr on its own thread, logging each line and keeping the last few for messages. */
    static final class StderrTail extends Thread {
        private static final int KEPT_LINES = 8;
        private final InputStream stderr;
        private final Logger log;
        private final String program;
        private final Deque<String> last = new ArrayDeque<>();

        StderrTail(InputStream stderr, Logger log, String program) {
            super("stderr-" + program);
            setDaemon(true);
            this.stderr = stderr;
            this.log = log;
            this.program = program;
            start();
        }

        @Override
        public void run() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    log.info("{}: {}", program, line);
                    synchronized (last) {
                        if (last.size() == KEPT_LINES) {
                            last.removeFirst();
                        }
                        last.addLast(line);
                    }
                }
            } catch (IOException e) {
                log.debug("{}: stderr closed: {}", program, e.getMessage());
            }
        }

        /** The last lines, joined; the most useful line of a PostgreSQL program is usually its first error. */
        String text() throws InterruptedException {
            join(5_000);
            synchronized (last) {
                return last.stream().filter(l -> l.contains("error") || l.contains("fatal") || l.contains("FATAL"))
                        .findFirst().orElse(String.join(" ", last));
            }
        }
    }
}
