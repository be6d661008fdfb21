package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.port.ReleaseSwitch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** In-memory releases: version -> green, and which one is current. */
public final class FakeReleaseSwitch implements ReleaseSwitch {
    public final Map<String, Boolean> installed = new TreeMap<>(Versions.SEMANTIC);
    public final List<String> activations = new ArrayList<>();
    public String current;

    public FakeReleaseSwitch with(String version, boolean green) {
        installed.put(version, green);
        return this;
    }

    public FakeReleaseSwitch current(String version) {
        current = version;
        return this;
    }

    @Override
    public List<Release> releases() {
        return installed.entrySet().stream().map(e -> new Release(e.getKey(), e.getValue())).toList();
    }

    @Override
    public Optional<String> current() {
        return Optional.ofNullable(current);
    }

    @Override
    public void activate(String version) {
        require(version);
        activations.add(version);
        current = version;
    }

    @Override
    public void markGreen(String version) {
        require(version);
        installed.put(version, true);
    }

    private void require(String version) {
        if (!installed.containsKey(version)) {
            throw RagbackException.usage("no release " + version);
        }
    }
}
