package dev.ragback.adapters.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.port.Notifier.RollbackNotice;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the placeholders of the Slack template ({@code {{run_id}}}, {@code {{reason}}}, ...), which
 * sit inside JSON strings. Values are escaped for Slack's mrkdwn (so a value cannot ping
 * {@code <!channel>}) and then for JSON. Unknown placeholders stay as written.
 */
final class SlackMessage {
    /** Used when notify.template cannot be read: the alert still goes out. */
    static final String BUILT_IN_TEMPLATE = "{\"text\": \"🚨 ROLLBACK AUTOMÁTICO EJECUTADO - RAG Pipeline\\n"
            + "run {{run_id}} ({{reason}}): {{outcome}}, failed step {{failed_step}}, took {{duration}}, "
            + "snapshot {{snapshot}}, release {{release}}, host {{host}}, {{timestamp}}\"}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SlackMessage() {
    }

    /** The filled template; fails with IllegalArgumentException when the result is not one JSON object. */
    static String render(String template, RollbackNotice notice) {
        Map<String, String> values = values(notice);
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : escape(value)));
        }
        matcher.appendTail(out);
        String body = out.toString();
        try {
            if (!JSON.readTree(body).isObject()) {
                throw new IllegalArgumentException("it is not a JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("it is not valid JSON after filling in the placeholders (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage()
                    .replaceAll("\\s*\\R\\s*", " ") + ")", e);
        }
        return body;
    }

    private static Map<String, String> values(RollbackNotice notice) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("run_id", notice.runId());
        values.put("reason", notice.reason());
        values.put("outcome", notice.outcome());
        values.put("failed_step", notice.failedStep());
        values.put("duration", notice.duration());
        values.put("snapshot", notice.snapshot());
        values.put("release", notice.release());
        values.put("host", notice.host());
        values.put("timestamp", notice.timestamp());
        values.replaceAll((name, value) -> value == null || value.isBlank() ? "-" : value);
        return values;
    }

    private static String escape(String value) {
        String slack = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return new String(JsonStringEncoder.getInstance().quoteAsString(slack));
    }
}
