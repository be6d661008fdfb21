-- v1.0.0: the RAG pipeline's chunk store. One row per chunk of a source document and embedding model.
CREATE TABLE rag_chunks (
    id          bigserial PRIMARY KEY,
    uri         text        NOT NULL,
    model_id    text        NOT NULL,
    chunk_index integer     NOT NULL CHECK (chunk_index >= 0),
    content     text        NOT NULL,
    embedding   real[]      NOT NULL,
    metadata    jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz,
    UNIQUE (uri, model_id, chunk_index)
);

CREATE INDEX rag_chunks_live_by_model ON rag_chunks (model_id) WHERE deleted_at IS NULL;
