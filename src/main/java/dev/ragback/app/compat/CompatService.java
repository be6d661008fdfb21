package dev.ragback.app.compat;

import dev.ragback.app.RagbackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads, lints and queries the compatibility matrix file. */
public final class CompatService {
    private final Path matrixFile;

    public CompatService(Path matrixFile) {
        this.matrixFile = matrixFile;
    }

    public CompatMatrix load() {
        String text;
        try {
            text = Files.readString(matrixFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "compatibility matrix " + matrixFile + " not found",
                    "set compat.matrix in ops/ragback.yaml, or run from the directory that holds compat/");
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                    "compatibility matrix " + matrixFile + " cannot be read: " + e.getMessage(), null, e);
        }
        return new MatrixParser().parse(text, matrixFile.toString());
    }

    /** Parses the matrix (errors are thrown) and collects warnings that do not make it invalid. */
    public LintReport lint() {
        CompatMatrix matrix = load();
        List<String> warnings = new ArrayList<>();
        Map<Triple, Integer> firstLine = new HashMap<>();
        for (CompatMatrix.Row row : matrix.rows()) {
            Integer earlier = firstLine.putIfAbsent(row.triple(), row.line());
            if (earlier != null) {
                warnings.add(matrix.source() + ":" + row.line() + ": " + row.triple() + " repeats line " + earlier);
            }
        }
        if (matrix.rows().isEmpty()) {
            warnings.add(matrix.source() + ": the table has no rows; every triple is UNKNOWN");
        }
        return new LintReport(matrix, List.copyOf(warnings));
    }

    public CompatVerdict check(Triple triple) {
        CompatMatrix matrix = load();
        return matrix.find(triple)
                .map(row -> new CompatVerdict(triple, row.status(), row.line()))
                .orElse(new CompatVerdict(triple, CompatStatus.UNKNOWN, 0));
    }

    /**
     * The outcome of {@link #lint()}.
     *
     * @param matrix   the parsed matrix
     * @param warnings problems that do not make it invalid
     */
    public record LintReport(CompatMatrix matrix, List<String> warnings) {
    }
}
