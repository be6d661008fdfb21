DROP TABLE rag_feedback;
