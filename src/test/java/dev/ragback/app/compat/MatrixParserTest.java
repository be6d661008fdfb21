package dev.ragback.app.compat;

import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixParserTest {
    static final String HEADER = """
            # Matrix

            | Binary Version | Schema Version | Qdrant Collection | Status          |
            | -------------- | -------------- | ----------------- | --------------- |
            """;

    private final MatrixParser parser = new MatrixParser();

    @Test
    void readsTheRunbookTableWithEmoji() {
        CompatMatrix matrix = parser.parse(HEADER + """
                | v1.0.0         | v1.0.0         | rag_main_v1       | ✅ OK           |
                | v1.1.0         | v1.0.0         | rag_main_v1       | ⚠️ WARN         |
                | v2.0.0         | v1.1.0         | rag_main_v2       | ❌ INCOMPATIBLE |
                """, "m.md");
        assertEquals(List.of(CompatStatus.OK, CompatStatus.WARN, CompatStatus.INCOMPATIBLE),
                matrix.rows().stream().map(CompatMatrix.Row::status).toList());
        assertEquals(new Triple("v2.0.0", "v1.1.0", "rag_main_v2"), matrix.rows().get(2).triple());
        assertEquals(7, matrix.rows().get(2).line());
    }

    @Test
    void readsStatusWordsWithoutEmojiAndInAnyColumnOrder() {
        CompatMatrix matrix = parser.parse("""
                | Status | Qdrant Collection | Binary Version | Schema Version |
                |---|---|---|---|
                | incompatible | c1 | v2 | s1 |
                | OK | c1 | v1 | s1 |
                """, "m.md");
        assertEquals(new Triple("v2", "s1", "c1"), matrix.rows().get(0).triple());
        assertEquals(CompatStatus.INCOMPATIBLE, matrix.rows().get(0).status());
        assertEquals(CompatStatus.OK, matrix.rows().get(1).status());
    }

    @Test
    void shortRowNamesTheLine() {
        RagbackException e = assertThrows(RagbackException.class,
                () -> parser.parse(HEADER + "| v1.0.0 | v1.0.0 | ✅ OK |\n", "m.md"));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, e.kind());
        assertEquals("m.md:5: expected 4 cells, found 3", e.getMessage());
    }

    @Test
    void unknownStatusWordNamesTheLine() {
        RagbackException e = assertThrows(RagbackException.class,
                () -> parser.parse(HEADER + "| v1 | s1 | c1 | ✅ OK |\n| v1 | s2 | c1 | 🤷 MAYBE |\n", "m.md"));
        assertTrue(e.getMessage().startsWith("m.md:6: unknown status"), e.getMessage());
    }

    @Test
    void sameTripleWithDifferentStatusesNamesBothLines() {
        RagbackException e = assertThrows(RagbackException.class,
                () -> parser.parse(HEADER + "| v1 | s1 | c1 | OK |\n| v2 | s1 | c1 | OK |\n| v1 | s1 | c1 | INCOMPATIBLE |\n", "m.md"));
        assertEquals("m.md:7: triple (v1, s1, c1) is listed again with status INCOMPATIBLE (line 5 says OK)", e.getMessage());
    }

    @Test
    void emptyStatusAndTwoStatusesAndBadNamesAreErrors() {
        assertTrue(assertThrows(RagbackException.class, () -> parser.parse(HEADER + "| v1 | s1 | c1 | ✅ |\n", "m.md"))
                .getMessage().startsWith("m.md:5: status cell is empty"));
        assertTrue(assertThrows(RagbackException.class, () -> parser.parse(HEADER + "| v1 | s1 | c1 | OK WARN |\n", "m.md"))
                .getMessage().contains("names two statuses"));
        assertTrue(assertThrows(RagbackException.class, () -> parser.parse(HEADER + "| ../v1 | s1 | c1 | OK |\n", "m.md"))
                .getMessage().startsWith("m.md:5: binary version '../v1' is not allowed"));
    }

    @Test
    void structuralProblemsAreErrors() {
        assertTrue(assertThrows(RagbackException.class, () -> parser.parse("no table here\n", "m.md"))
                .getMessage().contains("no table found"));
        assertTrue(assertThrows(RagbackException.class, () -> parser.parse("| A | B | C | D |\n|---|---|---|---|\n", "m.md"))
                .getMessage().startsWith("m.md:1: header must name"));
        assertTrue(assertThrows(RagbackException.class,
                () -> parser.parse(HEADER.replace("| -------------- | -------------- | ----------------- | --------------- |", "| v1 | s1 | c1 | OK |"), "m.md"))
                .getMessage().startsWith("m.md:4: expected the header separator"));
        assertTrue(assertThrows(RagbackException.class,
                () -> parser.parse(HEADER + "| v1 | s1 | c1 | OK |\n\n| v2 | s1 | c1 | OK |\n", "m.md"))
                .getMessage().startsWith("m.md:7: a second table"));
    }

    @Test
    void restoredCollectionSuffixCountsAsTheBaseName() {
        CompatMatrix matrix = parser.parse(HEADER + "| v2.0.0 | v1.1.0 | rag_main_v2 | ❌ INCOMPATIBLE |\n", "m.md");
        assertEquals(CompatStatus.INCOMPATIBLE,
                matrix.find(new Triple("v2.0.0", "v1.1.0", "rag_main_v2_r20261128-031502")).orElseThrow().status());
        assertEquals(CompatStatus.INCOMPATIBLE,
                matrix.find(new Triple("v2.0.0", "v1.1.0", "rag_main_v2_r20261128-031502-2")).orElseThrow().status());
        assertEquals(CompatStatus.INCOMPATIBLE, matrix.find(new Triple("v2.0.0", "v1.1.0", "rag_main_v2_r20261128-031502_3"))
                .orElseThrow().status(), "a later restore of the same set");
        assertTrue(matrix.find(new Triple("v2.0.0", "v1.1.0", "rag_main_v2_rlatest")).isEmpty());
    }
}
