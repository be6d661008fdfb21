DROP INDEX rag_chunks_content_sha256;
ALTER TABLE rag_chunks DROP COLUMN ingest_run_id;
ALTER TABLE rag_chunks DROP COLUMN content_sha256;
DROP TABLE rag_ingest_runs;
