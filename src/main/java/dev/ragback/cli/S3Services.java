package dev.ragback.cli;

import dev.ragback.adapters.s3.S3BlobStore;
import dev.ragback.adapters.s3.S3Settings;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.BlobStore;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

import java.util.Map;

/** The composition root's S3 part: a bucket's object store from {@code backups.s3.*}, built for {@link Services}. */
final class S3Services {
    private S3Services() {
    }

    /** The object store of {@code location} ({@code s3://bucket/prefix}) with the backups.s3.* settings. */
    static BlobStore bucket(Config config, String location, Map<String, String> env) {
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
        String sse = config.get(ConfigKeys.BACKUPS_S3_SSE);
        String kms = config.get(ConfigKeys.BACKUPS_S3_KMS_KEY_ID);
        if (kms != null && !"aws:kms".equals(sse)) {
            throw RagbackException.malformed("backups.s3.kms_key_id is set but backups.s3.sse is not aws:kms");
        }
        return new S3BlobStore(new S3Settings(bucket, prefix,
                config.get(ConfigKeys.BACKUPS_S3_ENDPOINT), config.get(ConfigKeys.BACKUPS_S3_REGION),
                config.get(ConfigKeys.BACKUPS_S3_PATH_STYLE), sse, kms, Math.toIntExact(config.get(ConfigKeys.BACKUPS_S3_PART_SIZE))),
                env);
    }
}
