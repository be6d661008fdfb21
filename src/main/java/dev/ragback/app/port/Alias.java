package dev.ragback.app.port;

/** A collection alias as the vector store reports it. */
public record Alias(String aliasName, String collectionName) {
}
