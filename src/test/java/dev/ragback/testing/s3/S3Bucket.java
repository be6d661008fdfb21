package dev.ragback.testing.s3;

import dev.ragback.testing.cli.TempDirs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One test class's bucket on an s3proxy.
 *
 * @param proxy the server
 * @param name  the bucket
 */
public record S3Bucket(S3Proxy proxy, String name) {
    private static final Map<String, Path> STAGING = new ConcurrentHashMap<>();

    /** {@code s3://<bucket>/<prefix>} */
    public String url(String prefix) {
        return "s3://" + name + "/" + prefix;
    }

    /** Environment for ragback: the credentials (SDK default chain) and the backups dir. */
    public Map<String, String> env(String prefix) {
        Map<String, String> env = new java.util.LinkedHashMap<>(proxy.credentialsEnv());
        env.put("RAGBACK_BACKUPS", url(prefix));
        return env;
    }

    /**
     * The global options that point ragback at this server (endpoint, path style), and a staging dir of this bucket's own:
     * a bucket repository keeps its journal and run lock there, and the default ($TMPDIR/ragback-$USER) is one per host,
     * where test classes running at once in other JVMs took each other's lock (exit 4).
     */
    public List<String> setFlags() {
        return new ArrayList<>(List.of("--set", "backups.s3.endpoint=" + proxy.endpoint(), "--set", "backups.s3.path_style=true",
                "--set", "backups.staging=" + staging()));
    }

    /** The global options ({@link #setFlags()}), then {@code args}: a command line for ragback against this bucket. */
    public String[] args(String... args) {
        List<String> all = setFlags();
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** This bucket's staging dir (journal, run lock, downloads), removed with the bucket or when the JVM exits. */
    public Path staging() {
        return STAGING.computeIfAbsent(name, bucket -> TempDirs.create("ragback-staging-" + bucket + "-"));
    }

    /** Keys under {@code prefix}, as stored. */
    public List<String> keys(String prefix) {
        try (var client = proxy.client()) {
            return client.listObjectsV2Paginator(r -> r.bucket(name).prefix(prefix)).contents().stream()
                    .map(software.amazon.awssdk.services.s3.model.S3Object::key).toList();
        }
    }

    /** Removes every object and upload, then the bucket. */
    public void drop() {
        try (var client = proxy.client()) {
            client.listMultipartUploads(r -> r.bucket(name)).uploads().forEach(u ->
                    client.abortMultipartUpload(r -> r.bucket(name).key(u.key()).uploadId(u.uploadId())));
            for (String key : keys("")) {
                client.deleteObject(r -> r.bucket(name).key(key));
            }
            client.deleteBucket(r -> r.bucket(name));
        }
        Path staging = STAGING.remove(name);
        if (staging != null) {
            TempDirs.delete(staging);
        }
    }

    /** Multipart uploads not completed nor aborted under {@code prefix}. */
    public int openUploads(String prefix) {
        try (var client = proxy.client()) {
            return client.listMultipartUploads(r -> r.bucket(name).prefix(prefix)).uploads().size();
        }
    }
}
