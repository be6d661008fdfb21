-- v1.1.0 whose down.sql forgets the index on rag_chunks (dropping rag_feedback does not drop it).
CREATE TABLE rag_feedback (
    id       bigserial PRIMARY KEY,
    chunk_id bigint REFERENCES rag_chunks (id),
    score    real
);

CREATE INDEX rag_chunks_by_uri ON rag_chunks (uri);
