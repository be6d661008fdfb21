package dev.ragback.app;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RedactionTest {
    @Test
    void removesPasswordsKeysTokensAndUserInfo() {
        assertEquals("jdbc:postgresql://h:5432/db?user=u&password=***&sslmode=require",
                Redaction.redactUrl("jdbc:postgresql://h:5432/db?user=u&password=s3cret&sslmode=require"));
        assertEquals("http://***@h:6333/x?api_key=***;token=***",
                Redaction.redactUrl("http://u:p@h:6333/x?api_key=k;token=t"));
        assertEquals("http://localhost:6333", Redaction.redactUrl("http://localhost:6333"));
    }
}
