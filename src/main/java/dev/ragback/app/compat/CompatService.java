package dev.ragback.app.compat;

import dev.ragback.app.RagbackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads, lints and queries the compatibility matrix file. */
public final class CompatService {
    private final Path matrixFile;

    public CompatService(Path matrixFile) {
        this.matrixFile = matrixFile;
    }

    /** Reads and parses the matrix; a malformed one fails naming the line, lesser problems are its warnings. */
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

    public CompatVerdict check(Triple triple) {
        CompatMatrix matrix = load();
        return matrix.find(triple)
                .map(row -> new CompatVerdict(triple, row.status(), row.line()))
                .orElse(new CompatVerdict(triple, CompatStatus.UNKNOWN, 0));
    }
}
