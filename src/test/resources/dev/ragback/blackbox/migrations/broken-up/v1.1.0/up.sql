-- v1.1.0, broken on purpose: the ALTER names a table that does not exist, so the CREATE before
-- it must be rolled back with it.
CREATE TABLE rag_ingest_runs (id bigserial PRIMARY KEY);

ALTER TABLE rag_chunkz ADD COLUMN content_sha256 text;
