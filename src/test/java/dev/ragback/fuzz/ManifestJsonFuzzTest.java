package dev.ragback.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ragback.app.RagbackException;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.ManifestJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

class ManifestJsonFuzzTest {
    private static final Path FILE = scratchFile();

    @FuzzTest(maxDuration = "60s")
    void read(FuzzedDataProvider data) throws IOException {
        Files.write(FILE, data.consumeRemainingAsBytes());
        TypedErrors.only(Set.of(RagbackException.Kind.MALFORMED_INPUT, RagbackException.Kind.INTEGRITY), () -> {
            Manifest manifest = ManifestJson.read(FILE);
            manifest.dataFiles();
            manifest.complete();
            ManifestJson.asJson(manifest);
        });
    }

    private static Path scratchFile() {
        try {
            Path dir = Files.createTempDirectory("manifest-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("manifest.json");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
