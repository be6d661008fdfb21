package dev.ragback.cli.archfixture;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.cli.Session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deliberately builds its --json output by hand and renders it its own way; only {@code ArchitectureTest} imports it. */
public final class CommandThatBuildsAMap {
    public void call(Session session) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", List.of(Map.of("id", 1)));
        session.out().println(new ObjectMapper().writeValueAsString(out));
    }
}
