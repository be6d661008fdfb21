package dev.ragback.config;

import java.net.URI;

/** One configured smoke HTTP check: GET {@code url} must answer {@code expectStatus}. */
public record HttpCheck(String name, URI url, int expectStatus) {
}
