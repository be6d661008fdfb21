package dev.ragback.cli;

import picocli.CommandLine;

import java.lang.reflect.Constructor;

/** Gives every command and mixin that asks for it the invocation's {@link Session}. */
final class Factory implements CommandLine.IFactory {
    private final Session session;

    Factory(Session session) {
        this.session = session;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        try {
            Constructor<K> constructor = type.getDeclaredConstructor(Session.class);
            constructor.setAccessible(true);
            return constructor.newInstance(session);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(type);
        }
    }
}
