package dev.ragback.app.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the JSON object in what a model wrote: inside a ```json fence first, else the first balanced object that parses. */
final class JudgeReplies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FENCE = Pattern.compile("```(?:json|JSON)?\\s*\\n(.*?)```", Pattern.DOTALL);
    private static final int MAX_CANDIDATES = 20;

    private JudgeReplies() {
    }

    static Optional<JsonNode> firstObject(String text) {
        if (text == null) {
            return Optional.empty();
        }
        List<String> sources = new ArrayList<>();
        Matcher fence = FENCE.matcher(text);
        while (fence.find()) {
            sources.add(fence.group(1));
        }
        sources.add(text);
        for (String source : sources) {
            Optional<JsonNode> found = scan(source);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> scan(String text) {
        int tried = 0;
        for (int start = text.indexOf('{'); start >= 0 && tried < MAX_CANDIDATES; start = text.indexOf('{', start + 1)) {
            int end = balancedEnd(text, start);
            if (end < 0) {
                return Optional.empty();
            }
            tried++;
            try {
                JsonNode node = JSON.readTree(text.substring(start, end + 1));
                if (node != null && node.isObject()) {
                    return Optional.of(node);
                }
            } catch (JsonProcessingException e) {
                // not this one: try the next opening brace
            }
        }
        return Optional.empty();
    }

    /** Index of the brace closing the one at {@code start}, braces inside JSON strings ignored; -1 when it never closes. */
    static int balancedEnd(String text, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
