package dev.ragback.adapters.qdrant;

import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.FileTarget;
import dev.ragback.app.files.HashingOutput;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * A response body written straight to a file or an upload and hashed on the way, buffer by buffer as the
 * client delivers them; it remembers when bytes last arrived so a caller can enforce an idle limit.
 */
final class FileDownload implements HttpResponse.BodySubscriber<FileDigest> {
    private final CompletableFuture<FileDigest> result = new CompletableFuture<>();
    private final FileTarget target;
    private final String relativePath;
    private final LongConsumer progress;
    private final long expectedLength;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile Flow.Subscription subscription;
    private HashingOutput out;
    private long received;

    FileDownload(FileTarget target, String relativePath, LongConsumer progress, long expectedLength) {
        this.target = target;
        this.relativePath = relativePath;
        this.progress = progress;
        this.expectedLength = expectedLength;
    }

    long lastProgressNanos() {
        return lastProgressNanos;
    }

    /** Stops the transfer: the connection is released and the body completes with {@code why}. */
    void abort(IOException why) {
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
        fail(why);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        try {
            out = target.open(progress);
        } catch (IOException | RuntimeException e) {
            subscription.cancel();
            fail(e);
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        try {
            for (ByteBuffer buffer : buffers) {
                received += buffer.remaining();
                out.write(buffer);
            }
            lastProgressNanos = System.nanoTime();
            subscription.request(1);
        } catch (IOException | RuntimeException e) {
            subscription.cancel();
            fail(e);
        }
    }

    @Override
    public void onError(Throwable error) {
        fail(error);
    }

    @Override
    public void onComplete() {
        try {
            if (expectedLength >= 0 && received != expectedLength) {
                throw new IOException("download ended after " + received + " of " + expectedLength + " bytes");
            }
            result.complete(out.finish(relativePath));
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Throwable error) {
        if (result.completeExceptionally(error) && out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the first error is the one worth reporting
            }
        }
    }

    @Override
    public CompletionStage<FileDigest> getBody() {
        return result;
    }
}
