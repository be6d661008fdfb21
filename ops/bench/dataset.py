#!/usr/bin/env python3
"""A reproducible RAG-like dataset for `make bench` (stdlib only).

Chunk g (1..N) is the same on every run and in both stores: about 512 characters of text made of
words, a 384-dimension unit vector and a small metadata object. Each chunk draws from its own
random generator seeded with g, so PostgreSQL and Qdrant get identical vectors without sharing a
process.

  dataset.py pg N               COPY text rows for rag_chunks (uri, model_id, chunk_index, content,
                                content_sha256, embedding, metadata) on stdout
  dataset.py qdrant URL COLL N  upserts the N points into collection COLL (payload: uri, model_id,
                                chunk_index, text), in batches; the api-key header from QDRANT_API_KEY
"""
import hashlib
import json
import math
import os
import random
import sys
import urllib.request

DIMS = 384
MODEL = "e5-small"
CHUNKS_PER_DOC = 8
WORDS = (
    "the a of to and in is for on with as by that this from at be are was it or an retrieval vector index "
    "embedding chunk document query answer context model score rank search store collection snapshot restore "
    "rollback schema migration release traffic latency faithfulness relevance pipeline ingest token corpus "
    "cluster shard replica segment payload filter metadata source page section paragraph table figure policy "
    "customer order invoice refund shipping account password login error timeout retry backup verify checksum "
    "dense sparse hybrid cosine distance neighbour approximate exact recall precision evaluation judge prompt "
    "language generation summary citation reference version deploy monitor alert incident runbook engineer"
).split()


def chunk(g):
    rng = random.Random(g)
    words = []
    length = 0
    while length < 512:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)[:512].rstrip()
    text = text[0].upper() + text[1:] + "."
    vector = [rng.random() - 0.5 for _ in range(DIMS)]
    norm = math.sqrt(sum(x * x for x in vector))
    vector = [f"{x / norm:.6f}" for x in vector]  # as text: both stores get the same digits
    meta = {"source": f"kb/{g // CHUNKS_PER_DOC}.md", "page": g % 40 + 1, "tokens": len(words), "lang": "en"}
    return f"doc://bench/{g // CHUNKS_PER_DOC}", g % CHUNKS_PER_DOC, text, vector, meta


def copy_escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def pg_rows(n):
    out = sys.stdout
    for g in range(1, n + 1):
        uri, index, text, vector, meta = chunk(g)
        sha = hashlib.sha256(text.encode()).hexdigest()
        embedding = "{" + ",".join(vector) + "}"
        out.write("\t".join([uri, MODEL, str(index), copy_escape(text), sha, embedding,
                             copy_escape(json.dumps(meta))]) + "\n")


def qdrant_points(url, collection, n, batch=500):
    headers = {"Content-Type": "application/json"}
    if os.environ.get("QDRANT_API_KEY"):
        headers["api-key"] = os.environ["QDRANT_API_KEY"]
    for start in range(1, n + 1, batch):
        points = []
        for g in range(start, min(start + batch, n + 1)):
            uri, index, text, vector, _ = chunk(g)
            payload = json.dumps({"uri": uri, "model_id": MODEL, "chunk_index": index, "text": text})
            points.append(f'{{"id": {g}, "vector": [{",".join(vector)}], "payload": {payload}}}')
        body = ('{"points": [' + ",".join(points) + "]}").encode()
        request = urllib.request.Request(f"{url}/collections/{collection}/points?wait=true", data=body,
                                         headers=headers, method="PUT")
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()


def main(argv):
    if len(argv) == 2 and argv[0] == "pg":
        pg_rows(int(argv[1]))
    elif len(argv) == 4 and argv[0] == "qdrant":
        qdrant_points(argv[1], argv[2], int(argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
