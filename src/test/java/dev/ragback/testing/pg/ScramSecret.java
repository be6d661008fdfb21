package dev.ragback.testing.pg;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A SCRAM-SHA-256 secret as PostgreSQL stores it ({@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}),
 * with few iterations. PostgreSQL stores such a string as given, and every login still runs the whole SCRAM
 * exchange (a wrong password is refused), but the client derives the key in 16 rounds instead of 4096: a
 * test JVM opens thousands of connections, and at 4096 rounds the key derivation was its biggest CPU cost.
 */
public final class ScramSecret {
    static final int TEST_ITERATIONS = 16;
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private ScramSecret() {
    }

    /** The secret for {@code password}, to use where PostgreSQL takes a password ({@code PASSWORD '...'}, initdb's pwfile). */
    public static String of(String password) {
        try {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, TEST_ITERATIONS, 256)).getEncoded();
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
            return "SCRAM-SHA-256$" + TEST_ITERATIONS + ":" + BASE64.encodeToString(salt) + "$"
                    + BASE64.encodeToString(storedKey) + ":" + BASE64.encodeToString(hmac(salted, "Server Key"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SCRAM-SHA-256 needs PBKDF2WithHmacSHA256 and HmacSHA256", e);
        }
    }

    private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.US_ASCII));
    }
}
