DROP TABLE rag_chunks;
