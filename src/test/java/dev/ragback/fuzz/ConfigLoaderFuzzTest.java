package dev.ragback.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ragback.app.RagbackException;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigLoader;
import dev.ragback.config.Setting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

class ConfigLoaderFuzzTest {
    private static final Path FILE = scratchFile();
    private final ConfigLoader loader = new ConfigLoader(FILE.resolveSibling("no-default.yaml"));

    @FuzzTest(maxDuration = "60s")
    void load(FuzzedDataProvider data) throws IOException {
        Files.write(FILE, data.consumeRemainingAsBytes());
        TypedErrors.only(Set.of(RagbackException.Kind.MALFORMED_INPUT), () -> {
            Config config = loader.load(FILE, Map.of(), Map.of());
            config.settings().forEach(Setting::display);
        });
    }

    private static Path scratchFile() {
        try {
            Path dir = Files.createTempDirectory("config-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("ragback.yaml");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
