package dev.ragback.app.vectors;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        Duration pause = firstPause;
        for (int attempt = 1; ; attempt++) {
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
                return;
            } catch (RagbackException e) {
                if (attempt >= attempts || e.kind() == RagbackException.Kind.INTERRUPTED) {
                    throw e;
                }
                LOG.warn("alias switch to {} failed (attempt {} of {}): {}; trying again", target, attempt, attempts, e.getMessage());
                sleep(pause);
                pause = pause.multipliedBy(2);
            }
        }
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
