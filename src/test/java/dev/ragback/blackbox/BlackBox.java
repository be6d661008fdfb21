package dev.ragback.blackbox;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test of the whole CLI against the real stores (RagbackCli: in this JVM by default, the built jar as a
 * process where only a process shows it): tagged {@value #TAG}, so it runs in the black-box tier
 * ({@code make test}, failsafe after {@code package}) and never in {@code make check}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(BlackBox.TAG)
public @interface BlackBox {
    String TAG = "blackbox";
}
