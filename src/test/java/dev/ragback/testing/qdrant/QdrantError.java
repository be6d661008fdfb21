package dev.ragback.testing.qdrant;

/** A failure the double answers with Qdrant's error envelope. */
final class QdrantError extends RuntimeException {
    private final int status;

    QdrantError(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static QdrantError collectionNotFound(String name) {
        return new QdrantError(404, "Not found: Collection `" + name + "` doesn't exist!");
    }

    static QdrantError format(String detail) {
        return new QdrantError(400, "Format error in JSON body: " + detail);
    }

    static QdrantError wrongInput(String detail) {
        return new QdrantError(400, "Wrong input: " + detail);
    }

    static QdrantError validation(String detail) {
        return new QdrantError(422, "Validation error in JSON body: [" + detail + "]");
    }
}
