package dev.ragback.testing.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Records each {@link Scenario} test as a row: broken, expected, observed, data intact, passed. */
public final class ScenarioExtension implements ParameterResolver, AfterTestExecutionCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ScenarioExtension.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path file() {
        return Path.of(System.getProperty("ragback.project.dir", ".")).resolve("target/reliability/scenarios.jsonl");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ScenarioOutcome.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("outcome", k -> new ScenarioOutcome(), ScenarioOutcome.class);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        Scenario scenario = context.getRequiredTestMethod().getAnnotation(Scenario.class);
        if (scenario == null) {
            return;
        }
        ScenarioOutcome outcome = context.getStore(NAMESPACE).get("outcome", ScenarioOutcome.class);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName());
        row.put("broken", scenario.broken());
        row.put("expected", scenario.expected());
        row.put("observed", context.getExecutionException().map(e -> "FAILED: " + firstLine(e.getMessage()))
                .orElse(outcome == null ? "as expected" : outcome.observed()));
        row.put("data_intact", outcome == null ? null : outcome.dataIntact());
        row.put("passed", context.getExecutionException().isEmpty());
        try {
            Files.createDirectories(file().getParent());
            Files.writeString(file(), JSON.writeValueAsString(row) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip().split("\\R", 2)[0];
        return line.length() > 160 ? line.substring(0, 160) + "…" : line;
    }
}
