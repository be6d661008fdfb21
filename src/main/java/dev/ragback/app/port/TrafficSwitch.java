package dev.ragback.app.port;

import java.util.OptionalInt;

/**
 * The share of user traffic the RAG pipeline receives (the load balancer's knob). Calls fail with a
 * {@link dev.ragback.app.RagbackException}: EXTERNAL when the switch cannot be read or changed,
 * MALFORMED_INPUT when what it holds is not a percentage.
 */
public interface TrafficSwitch {

    /** Where the switch lives, for messages: a file, a program or a URL (never a credential). */
    String describe();

    /** The current percentage (0..100), or empty when this switch cannot be read back. */
    OptionalInt percent();

    /** Sets the percentage (0..100, checked by the caller). Safe to call twice. */
    void set(int percent);
}
