package dev.ragback.adapters.s3;

import java.net.URI;

/**
 * Where and how to reach the bucket ({@code backups.s3.*}). Credentials are not here: they come
 * from the SDK's default chain only.
 *
 * @param bucket    bucket name
 * @param prefix    key prefix without a trailing slash, may be empty
 * @param endpoint  endpoint URL, or {@code null} for AWS
 * @param region    signing region
 * @param pathStyle path-style addressing (MinIO, Ceph, s3proxy)
 * @param sse       {@code AES256}, {@code aws:kms} or {@code null}
 * @param kmsKeyId  KMS key for {@code aws:kms}, or {@code null}
 * @param partSize  multipart part size in bytes
 */
public record S3Settings(String bucket, String prefix, URI endpoint, String region, boolean pathStyle, String sse,
                         String kmsKeyId, int partSize) {

    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    String key(String relative) {
        return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    String relative(String key) {
        return prefix.isEmpty() ? key : key.substring(prefix.length() + 1);
    }
}
