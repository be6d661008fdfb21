package dev.ragback.app.vectors;

import dev.ragback.app.Names;
import dev.ragback.app.Operator;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Retry;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Points aliases at a collection in one atomic alias action. Retried, because the action is
 * idempotent once each attempt starts from the aliases as they are: an attempt whose answer was
 * lost, but which the server carried out, is seen as done.
 */
public final class AliasSwitch {
    private static final Logger LOG = LoggerFactory.getLogger(AliasSwitch.class);

    private final VectorStore vectors;
    private final int attempts;
    private final Duration firstPause;

    public AliasSwitch(VectorStore vectors, int attempts, Duration firstPause) {
        this.vectors = vectors;
        this.attempts = attempts;
        this.firstPause = firstPause;
    }

    public AliasSwitch(VectorStore vectors) {
        this(vectors, 3, Duration.ofMillis(500));
    }

    /** What {@code qdrant switch-alias} changed. */
    public record Switched(String alias, String from, String to) {
    }

    /**
     * {@code qdrant switch-alias}: points {@code alias} at an existing {@code collection} (the roll-forward
     * a restore names when its alias switch failed after the COMMIT), then records a
     * {@code qdrant_alias_switched} event; a TaskDB that cannot take it is a warning.
     */
    public Switched switchRecorded(String alias, String collection, AuditLog audit, Operator who, Consumer<String> warn) {
        Names.require("alias", alias);
        Names.require("collection name", collection);
        if (vectors.collection(collection).isEmpty()) {
            throw RagbackException.external("Qdrant has no collection '" + collection + "'",
                    "list them: ragback qdrant collections", null);
        }
        String from = current(List.of(alias)).get(alias);
        pointAt(List.of(alias), collection);
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("alias", alias);
        event.put("from", from);
        event.put("to", collection);
        event.put("user", who.user());
        event.put("host", who.host());
        try {
            audit.record("qdrant", "qdrant_alias_switched", event);
        } catch (RagbackException e) {
            warn.accept("the switch of " + alias + " is not in TaskDB: " + e.getMessage());
        }
        return new Switched(alias, from, collection);
    }

    /** Where each alias points now ({@code null}: nowhere). */
    public Map<String, String> current(List<String> aliases) {
        Map<String, String> now = vectors.aliases().stream().collect(Collectors.toMap(Alias::aliasName, Alias::collectionName,
                (a, b) -> a));
        Map<String, String> out = new java.util.LinkedHashMap<>();
        aliases.forEach(alias -> out.put(alias, now.get(alias)));
        return out;
    }

    /** Points every alias at {@code target}; the last failure when every attempt failed. */
    public void pointAt(List<String> aliases, String target) {
        Retry.run(new Retry.Policy(attempts, firstPause), AliasSwitch::sleep, attempt -> {
            try {
                Map<String, String> now = current(aliases);
                List<VectorStore.AliasAction> actions = new ArrayList<>();
                now.forEach((alias, collection) -> {
                    if (!target.equals(collection)) {
                        if (collection != null) {
                            actions.add(VectorStore.AliasAction.remove(alias));
                        }
                        actions.add(VectorStore.AliasAction.create(alias, target));
                    }
                });
                if (!actions.isEmpty()) {
                    vectors.updateAliases(actions);
                }
                return Retry.done(null);
            } catch (RagbackException e) {
                if (e.kind() == RagbackException.Kind.INTERRUPTED) {
                    throw e;
                }
                if (!attempt.last()) {
                    LOG.warn("alias switch to {} failed (attempt {} of {}): {}; trying again", target, attempt.number(), attempts,
                            e.getMessage());
                }
                return Retry.againOrThrow(e);
            }
        });
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted between two tries of an alias switch");
        }
    }
}
