-- v1.1.0: ingestion runs, and a content hash on chunks to skip re-embedding unchanged text.
CREATE TABLE rag_ingest_runs (
    id          bigserial PRIMARY KEY,
    model_id    text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    chunks      integer     NOT NULL DEFAULT 0
);

ALTER TABLE rag_chunks ADD COLUMN content_sha256 text;
ALTER TABLE rag_chunks ADD COLUMN ingest_run_id bigint REFERENCES rag_ingest_runs (id);

CREATE INDEX rag_chunks_content_sha256 ON rag_chunks (content_sha256);
