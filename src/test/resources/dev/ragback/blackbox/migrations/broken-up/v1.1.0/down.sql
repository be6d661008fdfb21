DROP TABLE rag_ingest_runs;
