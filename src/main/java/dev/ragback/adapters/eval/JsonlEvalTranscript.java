package dev.ragback.adapters.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.Permissions;
import dev.ragback.app.port.EvalTranscript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The judge's audit file: {@code <eval.audit_dir>/eval_<UTC yyyyMMdd-HHmmss>.jsonl} (a {@code -2},
 * {@code -3} suffix when two runs start in one second), mode 0600 in a directory created 0700. It
 * is a log, appended as each query finishes and synced when closed. Every secret value it is given
 * is replaced by {@code ***} in case a service echoed it back into a body.
 */
public final class JsonlEvalTranscript implements EvalTranscript {
    private static final Logger LOG = LoggerFactory.getLogger(JsonlEvalTranscript.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path file;
    private final List<String> secrets;
    private final FileChannel channel;
    private final Writer writer;
    private boolean broken;

    private JsonlEvalTranscript(Path file, FileChannel channel, List<String> secrets) {
        this.file = file;
        this.channel = channel;
        this.writer = Channels.newWriter(channel, StandardCharsets.UTF_8);
        this.secrets = secrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
    }

    /** Creates a new file in {@code dir}; EXTERNAL when it cannot (the evaluation does not run unaudited). */
    public static JsonlEvalTranscript create(Path dir, Clock clock, List<String> secrets) {
        try {
            if (!Files.isDirectory(dir)) {
                Permissions.ownerOnlyDirectory(Files.createDirectories(dir));
            }
            String stamp = "eval_" + STAMP.format(clock.instant());
            for (int n = 1; ; n++) {
                Path file = dir.resolve(stamp + (n == 1 ? "" : "-" + n) + ".jsonl");
                try {
                    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    Permissions.ownerOnly(file);
                    return new JsonlEvalTranscript(file, channel, secrets);
                } catch (FileAlreadyExistsException e) {
                    // another run started in the same second: take the next suffix
                }
            }
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "cannot create the judge's audit file in " + dir + ": "
                    + e.getMessage(), "make eval.audit_dir writable (default ops/state/eval, relative to where ragback runs)", e);
        }
    }

    @Override
    public synchronized void write(List<Map<String, Object>> lines) {
        if (broken) {
            return;
        }
        try {
            for (Map<String, Object> line : lines) {
                writer.write(scrub(JSON.writeValueAsString(line)));
                writer.write('\n');
            }
            writer.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a transcript line is not JSON", e);
        } catch (IOException e) {
            broken = true;
            LOG.warn("cannot write the judge's audit file {}: {}; the rest of this run is not audited", file, e.getMessage());
        }
    }

    private String scrub(String text) {
        String clean = text;
        for (String secret : secrets) {
            clean = clean.replace(secret, "***");
        }
        return clean;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public synchronized void close() {
        try {
            writer.flush();
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            LOG.warn("cannot close the judge's audit file {}: {}", file, e.getMessage());
        }
    }
}
