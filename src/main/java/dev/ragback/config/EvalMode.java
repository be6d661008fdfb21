package dev.ragback.config;

/** eval.mode: who scores the quick evaluation (a command, or the RAG service and an LLM judge). Written in lower case in the config. */
public enum EvalMode {
    COMMAND, JUDGE
}
