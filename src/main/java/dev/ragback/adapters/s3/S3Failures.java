package dev.ragback.adapters.s3;

import dev.ragback.app.RagbackException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;

/** One line per S3 failure that names the cause; never a credential (the SDK's messages carry none). */
final class S3Failures {
    static final String PATH_STYLE_HINT = "check backups.s3.region, and backups.s3.path_style (true for MinIO, Ceph and "
            + "s3proxy; false for AWS)";

    private S3Failures() {
    }

    static RagbackException map(String doing, S3Settings settings, SdkException e) {
        RagbackException mapped = mapCause(doing, settings, e);
        if (settings.endpoint() != null && !settings.pathStyle() && (mapped.hint() == null || !mapped.hint().contains("path_style"))) {
            // a custom endpoint in virtual-hosted style: the usual cause of every failure above
            return RagbackException.external(mapped.getMessage(), (mapped.hint() == null ? "" : mapped.hint() + "; ")
                    + "with a custom endpoint (MinIO, Ceph, s3proxy) set backups.s3.path_style: true", e);
        }
        return mapped;
    }

    private static RagbackException mapCause(String doing, S3Settings settings, SdkException e) {
        String where = settings.location();
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            int status = s3.statusCode();
            if ("NoSuchBucket".equals(code) || (status == 404 && code == null)) {
                return RagbackException.external(doing + " " + where + ": no such bucket '" + settings.bucket() + "'",
                        "create the bucket or fix backups.dir", e);
            }
            if ("SignatureDoesNotMatch".equals(code) || "AuthorizationHeaderMalformed".equals(code)
                    || "PermanentRedirect".equals(code) || status == 301 || "IncorrectEndpoint".equals(code)) {
                return RagbackException.external(doing + " " + where + ": signature mismatch or wrong region/addressing ("
                        + (code == null ? "HTTP " + status : code) + ")", PATH_STYLE_HINT + "; a wrong AWS_SECRET_ACCESS_KEY "
                        + "also gives SignatureDoesNotMatch", e);
            }
            if ("InvalidAccessKeyId".equals(code)) {
                return RagbackException.external(doing + " " + where + ": access denied: the access key id is not known "
                        + "(InvalidAccessKeyId)", "check AWS_ACCESS_KEY_ID / AWS_PROFILE", e);
            }
            if ("AccessDenied".equals(code) || status == 403) {
                return RagbackException.external(doing + " " + where + ": access denied (" + (code == null ? "HTTP 403" : code)
                        + ")", "the credentials need s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject and "
                        + "s3:AbortMultipartUpload on the bucket", e);
            }
            return RagbackException.external(doing + " " + where + ": " + (code == null ? "HTTP " + status : code) + ": "
                    + oneLine(s3.awsErrorDetails() == null ? s3.getMessage() : s3.awsErrorDetails().errorMessage()), null, e);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root instanceof UnknownHostException || root instanceof ConnectException || root instanceof HttpTimeoutException
                    || root instanceof java.net.SocketTimeoutException) {
                boolean virtualHost = root instanceof UnknownHostException && settings.endpoint() != null && !settings.pathStyle();
                return RagbackException.external(doing + " " + where + ": host cannot be reached ("
                        + root.getClass().getSimpleName() + ": " + oneLine(root.getMessage()) + ")", virtualHost
                        ? "the bucket name was put in the host name (virtual-hosted style); MinIO, Ceph and s3proxy need "
                                + "backups.s3.path_style: true" : "check backups.s3.endpoint and the network", e);
            }
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return RagbackException.external(doing + " " + where + ": no AWS credentials found",
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or a web identity (see docs/s3.md)", e);
        }
        return RagbackException.external(doing + " " + where + ": " + oneLine(e.getMessage()), null, e);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
