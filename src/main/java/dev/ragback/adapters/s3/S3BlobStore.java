package dev.ragback.adapters.s3;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.FileDigest;
import dev.ragback.app.files.HashingFileWriter;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.BlobStore;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/** {@link BlobStore} on an S3-compatible bucket through the AWS SDK v2 (URL-connection HTTP client). */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    static final String PROBE_KEY = ".ragback-doctor-probe";
    private static final int RANGE_BYTES = 8 << 20;
    private static final int PARALLEL_RANGES = 4;

    private final S3Settings settings;
    private final S3Client client;

    // the SDK's chain reads the JVM's environment; the invocation's comes first (the same for a process,
    // not for a run inside a test's JVM), then the rest of the chain: profile, web identity, container, instance
    static software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials(java.util.Map<String, String> env) {
        String id = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(token == null || token.isBlank()
                ? software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(id, secret)
                : software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(id, secret, token));
    }

    /** {@code env}: the invocation's environment, where AWS_ACCESS_KEY_ID and the rest are looked up first. */
    public S3BlobStore(S3Settings settings, java.util.Map<String, String> env) {
        this.settings = settings;
        var builder = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(env))
                .forcePathStyle(settings.pathStyle())
                // ragback sends its own SHA-256 of every object and part; no CRC trailers on top
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.client = builder.build();
    }

    @Override
    public String location() {
        return settings.location();
    }

    @Override
    public List<Blob> list(String prefix) {
        try {
            List<Blob> blobs = new ArrayList<>();
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(settings.key(prefix)))
                    .contents()) {
                blobs.add(new Blob(settings.relative(object.key()), object.size(), object.lastModified(), null));
            }
            return blobs;
        } catch (SdkException e) {
            throw S3Failures.map("cannot list", settings, e);
        }
    }

    @Override
    public Optional<Blob> head(String key) {
        try {
            HeadObjectResponse head = client.headObject(r -> r.bucket(settings.bucket()).key(settings.key(key))
                    .checksumMode(ChecksumMode.ENABLED));
            return Optional.of(new Blob(key, head.contentLength(), head.lastModified(), head.checksumSHA256()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return Optional.empty();
            }
            throw S3Failures.map("cannot read " + key + " in", settings, e);
        } catch (SdkException e) {
            throw S3Failures.map("cannot read " + key + " in", settings, e);
        }
    }

    private boolean isNoSuchBucket(S3Exception e) {
        if (e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode())) {
            return true;
        }
        try {
            client.headBucket(r -> r.bucket(settings.bucket()));
            return false;
        } catch (S3Exception bucket) {
            return bucket.statusCode() == 404;
        }
    }

    @Override
    public Optional<byte[]> read(String key) {
        try {
            return Optional.of(client.getObjectAsBytes(r -> r.bucket(settings.bucket()).key(settings.key(key))).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw S3Failures.map("cannot read " + key + " in", settings, e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        try {
            putObject(key, RequestBody.fromBytes(bytes), base64(digestOf(bytes, bytes.length)));
        } catch (SdkException e) {
            throw S3Failures.map("cannot write " + key + " to", settings, e);
        }
    }

    void putObject(String key, RequestBody body, String checksum) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(settings.bucket()).key(settings.key(key))
                .checksumAlgorithm(ChecksumAlgorithm.SHA256).checksumSHA256(checksum);
        encryption(request);
        client.putObject(request.build(), body);
    }

    @Override
    public Upload open(String key, LongConsumer progress) {
        return new S3Upload(this, key, settings.partSize(), progress);
    }

    S3Client client() {
        return client;
    }

    S3Settings settings() {
        return settings;
    }

    String createMultipartUpload(String key) {
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(settings.bucket())
                .key(settings.key(key)).checksumAlgorithm(ChecksumAlgorithm.SHA256);
        encryption(create);
        return client.createMultipartUpload(create.build()).uploadId();
    }

    void abortQuietly(String key, String uploadId) {
        if (uploadId == null) {
            return;
        }
        try {
            client.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(settings.key(key)).uploadId(uploadId));
        } catch (SdkException ignored) {
            // prune aborts what is left (and the lifecycle rule in docs/s3.md)
        }
    }

    private void encryption(Object builder) {
        if (settings.sse() == null) {
            return;
        }
        ServerSideEncryption sse = ServerSideEncryption.fromValue(settings.sse());
        if (builder instanceof PutObjectRequest.Builder put) {
            put.serverSideEncryption(sse).ssekmsKeyId(settings.kmsKeyId());
        } else if (builder instanceof CreateMultipartUploadRequest.Builder create) {
            create.serverSideEncryption(sse).ssekmsKeyId(settings.kmsKeyId());
        }
    }

    @Override
    public FileDigest download(String key, Path target, String relativePath, LongConsumer progress) {
        Blob blob = head(key).orElseThrow(() -> new RagbackException(RagbackException.Kind.INTEGRITY,
                location() + "/" + key + " is missing", "pick another set: ragback snapshot list"));
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_RANGES, r -> {
            Thread thread = new Thread(r, "s3-range");
            thread.setDaemon(true);
            return thread;
        });
        // ranges are fetched in parallel into PARALLEL_RANGES buffers, reused, and written (and hashed) in
        // order: memory stays at PARALLEL_RANGES ranges whatever the object's size, and makes no garbage
        BlockingQueue<byte[]> buffers = new ArrayBlockingQueue<>(PARALLEL_RANGES);
        for (int i = 0; i < PARALLEL_RANGES; i++) {
            buffers.add(new byte[(int) Math.min(RANGE_BYTES, Math.max(1, blob.size()))]);
        }
        try (HashingFileWriter out = new HashingFileWriter(target, progress)) {
            Deque<Future<byte[]>> window = new ArrayDeque<>();
            Deque<Integer> lengths = new ArrayDeque<>();
            long next = 0;
            while (next < blob.size() || !window.isEmpty()) {
                while (window.size() < PARALLEL_RANGES && next < blob.size()) {
                    long from = next;
                    long to = Math.min(blob.size(), from + RANGE_BYTES) - 1;
                    byte[] buffer = buffers.take();
                    window.add(pool.submit(() -> range(key, from, to, buffer)));
                    lengths.add((int) (to - from + 1));
                    next = to + 1;
                }
                byte[] range = window.removeFirst().get();
                out.write(range, 0, lengths.removeFirst());
                buffers.add(range);
            }
            return out.finish(relativePath);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SdkException sdk) {
                throw S3Failures.map("cannot download " + key + " from", settings, sdk);
            }
            throw cause instanceof RuntimeException r ? r : RagbackException.external(cause.getMessage(), null, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagbackException(RagbackException.Kind.INTERRUPTED, "download of " + key + " was interrupted");
        } catch (IOException e) {
            throw RagbackException.external("cannot write " + target + ": " + e.getMessage(),
                    "free space in backups.staging or point it at a bigger disk", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private byte[] range(String key, long from, long to, byte[] buffer) throws IOException {
        int length = (int) (to - from + 1);
        try (InputStream in = client.getObject(r -> r.bucket(settings.bucket()).key(settings.key(key))
                .range("bytes=" + from + "-" + to))) {
            int read = in.readNBytes(buffer, 0, length);
            if (read != length || in.read() != -1) {
                throw new RagbackException(RagbackException.Kind.INTEGRITY, location() + "/" + key + ": bytes " + from + "-" + to
                        + " came back as " + (read == length ? "more" : read) + " bytes", "run the command again");
            }
        }
        return buffer;
    }

    @Override
    public void delete(List<String> keys) {
        try {
            for (int i = 0; i < keys.size(); i += 1000) {
                List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + 1000)).stream()
                        .map(k -> ObjectIdentifier.builder().key(settings.key(k)).build()).toList();
                var response = client.deleteObjects(r -> r.bucket(settings.bucket()).delete(d -> d.objects(batch).quiet(true)));
                if (response.hasErrors() && !response.errors().isEmpty()) {
                    var error = response.errors().get(0);
                    throw RagbackException.external("cannot delete " + error.key() + " in " + location() + ": "
                            + error.code() + " " + error.message(), null, null);
                }
            }
        } catch (SdkException e) {
            throw S3Failures.map("cannot delete in", settings, e);
        }
    }

    @Override
    public int abortUploads(String prefix, Instant before) {
        try {
            int aborted = 0;
            for (MultipartUpload upload : client.listMultipartUploadsPaginator(r -> r.bucket(settings.bucket())
                    .prefix(settings.key(prefix))).uploads()) {
                if ((upload.initiated() == null || upload.initiated().isBefore(before)) && abort(upload)) {
                    aborted++;
                }
            }
            return aborted;
        } catch (SdkException e) {
            throw S3Failures.map("cannot list or abort multipart uploads in", settings, e);
        }
    }

    // gone between list and abort (a lifecycle rule, a concurrent prune): what the abort was for already holds
    private boolean abort(MultipartUpload upload) {
        try {
            client.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(upload.key()).uploadId(upload.uploadId()));
            return true;
        } catch (NoSuchUploadException gone) {
            return false;
        }
    }

    @Override
    public String probe() {
        list("");
        String key = PROBE_KEY + "-" + ProcessHandle.current().pid();
        put(key, "ragback doctor probe\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        delete(List.of(key));
        return "can list, put and delete in " + location();
    }

    private static byte[] digestOf(byte[] bytes, int length) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(bytes, 0, length);
        return digest.digest();
    }

    private static String base64(byte[] digest) {
        return Base64.getEncoder().encodeToString(digest);
    }

    @Override
    public void close() {
        client.close();
    }
}
