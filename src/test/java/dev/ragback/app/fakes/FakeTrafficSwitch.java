package dev.ragback.app.fakes;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.TrafficSwitch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** In-memory traffic switch; it can be write-only (like command mode), unreadable or broken. */
public final class FakeTrafficSwitch implements TrafficSwitch {
    public final List<Integer> sets = new ArrayList<>();
    public int percent = 100;
    public boolean readable = true;
    public boolean readFails;
    public boolean setFails;

    @Override
    public String describe() {
        return "fake switch";
    }

    @Override
    public OptionalInt percent() {
        if (readFails) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "fake switch: cannot read");
        }
        return readable ? OptionalInt.of(percent) : OptionalInt.empty();
    }

    @Override
    public void set(int value) {
        if (setFails) {
            throw new RagbackException(RagbackException.Kind.EXTERNAL, "fake switch: cannot set");
        }
        sets.add(value);
        percent = value;
    }
}
