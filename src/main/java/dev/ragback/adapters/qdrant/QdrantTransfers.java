package dev.ragback.adapters.qdrant;

import dev.ragback.app.Durations;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Retry;
import dev.ragback.app.files.FileWriteException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.port.UploadInDoubt;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Snapshot files over HTTP, both ways, streamed: no file is ever held in memory. */
final class QdrantTransfers {
    private final QdrantHttp http;

    QdrantTransfers(QdrantHttp http) {
        this.http = http;
    }

    /**
     * Downloads a GET's body into {@code target}, hashing it while writing. There is no total
     * timeout, only {@code idleLimit} without a byte; the whole exchange is retried from the
     * start on 5xx and connection failures, not when the local file cannot be written.
     */
    FileDigest download(String path, dev.ragback.app.files.FileTarget target, String relativePath,
                                              LongConsumer progress, Duration idleLimit) {
        HttpRequest request = http.request("GET", path, null, http.timeout());
        return http.withRetries("GET", path, true, http.timeout(), () -> {
            java.util.concurrent.atomic.AtomicReference<FileDownload> body = new java.util.concurrent.atomic.AtomicReference<>();
            HttpResponse.BodyHandler<Object> handler = info -> {
                if (info.statusCode() / 100 != 2) {
                    return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(
                            java.nio.charset.StandardCharsets.UTF_8), text -> new QdrantHttp.Reply(info.statusCode(), text));
                }
                FileDownload download = new FileDownload(target, relativePath, progress,
                        info.headers().firstValueAsLong("Content-Length").orElse(-1));
                body.set(download);
                return HttpResponse.BodySubscribers.mapping(download, digest -> digest);
            };
            java.util.concurrent.CompletableFuture<HttpResponse<Object>> exchange = http.client().sendAsync(request, handler);
            long period = Math.max(20, Math.min(1000, idleLimit.toMillis() / 4));
            while (true) {
                try {
                    Object answer = exchange.get(period, java.util.concurrent.TimeUnit.MILLISECONDS).body();
                    if (answer instanceof QdrantHttp.Reply reply) {
                        return http.statusFailure("GET", path, reply);
                    }
                    return answer;
                } catch (java.util.concurrent.TimeoutException e) {
                    FileDownload download = body.get();
                    if (download != null && System.nanoTime() - download.lastProgressNanos() > idleLimit.toNanos()) {
                        QdrantHttp.IdleTimeout idle = new QdrantHttp.IdleTimeout("no data for " + Durations.format(idleLimit)
                                + " during the transfer (qdrant.transfer_idle_timeout)");
                        download.abort(idle);
                        exchange.cancel(true);
                        throw idle;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    for (Throwable c = cause; c != null; c = c.getCause()) {
                        if (c instanceof FileWriteException local) {
                            throw localWriteFailure(local);
                        }
                    }
                    if (cause instanceof RagbackException sink) {
                        throw sink; // where the bytes go (a bucket) failed: another GET from Qdrant would not help
                    }
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(cause.getMessage(), cause);
                } catch (InterruptedException e) {
                    exchange.cancel(true);
                    throw e;
                }
            }
        });
    }

    // our disk, not Qdrant: retrying would only download the same bytes into the same full disk
    private static RagbackException localWriteFailure(FileWriteException local) {
        return RagbackException.external("cannot write the Qdrant snapshot to " + local.file() + ": " + local.getMessage(),
                "free space in the backups dir or point backups.dir elsewhere", local);
    }

    /**
     * Uploads {@code file} as the multipart part {@code snapshot} named {@code uploadName}, streamed from
     * disk, and sends it once. The server recovers from the whole body and keeps going when the client
     * gives up, so only a refused connection (no byte went out) is tried again. A status is final (a
     * 500 is a broken archive). A timeout or a lost connection after the whole file went out is
     * {@link UploadInDoubt}; before that, the server cannot have started, and it is a plain failure.
     */
    QdrantHttp.Reply upload(String path, Path file, String uploadName, Duration callTimeout, LongConsumer bytesSent)
            throws IOException {
        long size = Files.size(file);
        String boundary = "ragback-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\""
                + uploadName.replace("\"", "_") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        AtomicLong sent = new AtomicLong();
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head.getBytes(StandardCharsets.UTF_8)),
                HttpRequest.BodyPublishers.fromPublisher(new FileChunks(file, n -> {
                    sent.set(n);
                    bytesSent.accept(n);
                }), size),
                HttpRequest.BodyPublishers.ofByteArray(tail.getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = http.request("POST", path, body, "multipart/form-data; boundary=" + boundary, callTimeout);
        return Retry.run(new Retry.Policy(http.retry().attempts(), http.retry().firstBackoff()), QdrantHttp::pause, attempt -> {
            try {
                HttpResponse<String> response = http.client().send(request, HttpResponse.BodyHandlers.ofString());
                QdrantHttp.Reply reply = new QdrantHttp.Reply(response.statusCode(), response.body());
                if (reply.status() / 100 != 2) {
                    throw http.statusFailure("POST", path, reply).failure();
                }
                return Retry.done(reply);
            } catch (IOException e) {
                RagbackException failure = unanswered(path, e, sent.get(), size, attempt.number(), callTimeout);
                if (QdrantHttp.refused(e)) {
                    return Retry.againOrThrow(failure); // no byte went out
                }
                throw failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RagbackException(RagbackException.Kind.INTERRUPTED, "interrupted while uploading to Qdrant at "
                        + http.where() + (sent.get() == size ? " (the whole file had gone out: Qdrant may go on recovering)" : ""),
                        null, e);
            }
        });
    }

    private RagbackException unanswered(String path, IOException e, long sent, long size, int attempts, Duration timeout) {
        String cause = e instanceof java.net.http.HttpTimeoutException && !QdrantHttp.refused(e)
                ? "no answer within " + Durations.format(timeout) + " (timeout)" : QdrantHttp.ioCause(e);
        if (QdrantHttp.refused(e)) {
            return http.transportFailure(cause, "POST", path, attempts, QdrantHttp.UNREACHABLE_HINT, e);
        }
        if (sent < size) {
            return RagbackException.external("Qdrant at " + http.where() + ": " + cause + " for POST " + path + " after "
                    + sent + " of " + size + " bytes; Qdrant recovers only from a whole upload, so nothing changed",
                    "run the command again once Qdrant is reachable", e);
        }
        return new UploadInDoubt("Qdrant at " + http.where() + ": " + cause + " for POST " + path + " after the whole file ("
                + size + " bytes) went out; Qdrant may have recovered it or may still be recovering it", e);
    }

    /**
     * The file in 1 MiB heap buffers, read when the client asks for them. {@code ofFile} sends 16 KiB
     * ones, and the client's per-buffer work then costs about twice the CPU, which a restore running
     * beside PostgreSQL on the same cores pays for. Every subscription (every retry) starts at byte 0.
     */
    private static final class FileChunks implements Flow.Publisher<ByteBuffer> {
        private final Path file;
        private final LongConsumer bytesSent;

        FileChunks(Path file, LongConsumer bytesSent) {
            this.file = file;
            this.bytesSent = bytesSent;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(e);
                return;
            }
            subscriber.onSubscribe(new ChunkReader(channel, subscriber, bytesSent));
        }
    }

    /** Emits chunks while there is demand; one drain loop at a time, whichever thread asks. */
    private static final class ChunkReader implements Flow.Subscription {
        static final int CHUNK_BYTES = 1 << 20;

        private final FileChannel channel;
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger drains = new AtomicInteger();
        private volatile boolean done;

        private final LongConsumer bytesSent;

        ChunkReader(FileChannel channel, Flow.Subscriber<? super ByteBuffer> subscriber, LongConsumer bytesSent) {
            this.channel = channel;
            this.subscriber = subscriber;
            this.bytesSent = bytesSent;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                finish(new IllegalArgumentException("request(" + n + "): demand must be positive"));
                return;
            }
            demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            drain();
        }

        @Override
        public void cancel() {
            done = true;
            close();
        }

        private void drain() {
            if (drains.getAndIncrement() != 0) {
                return; // the running loop sees the new demand
            }
            do {
                while (!done && demand.get() > 0) {
                    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
                    boolean end;
                    try {
                        while (chunk.hasRemaining() && channel.read(chunk) >= 0) {
                            // fill the chunk unless the file ends
                        }
                        end = channel.position() >= channel.size();
                        bytesSent.accept(channel.position());
                    } catch (IOException e) {
                        finish(e);
                        return;
                    }
                    if (chunk.position() > 0) {
                        demand.decrementAndGet();
                        subscriber.onNext(chunk.flip());
                    }
                    if (end) {
                        finish(null); // completion needs no demand
                        return;
                    }
                }
            } while (drains.decrementAndGet() != 0);
        }

        private void finish(Throwable error) {
            if (done) {
                return;
            }
            done = true;
            close();
            if (error == null) {
                subscriber.onComplete();
            } else {
                subscriber.onError(error);
            }
        }

        private void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was written through it
            }
        }
    }
}
