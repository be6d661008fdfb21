package dev.ragback.app.migrate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaDiffTest {

    @Test
    void normaliseKeepsOnlyTheSchema() {
        String dump = "--\n-- PostgreSQL database dump\n--\n\n\\restrict Jx8s2kLq\n\n-- Dumped from database version 15.18\n"
                + "SET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\n"
                + "CREATE TABLE public.a (\n    id integer   \n);\n\n\\unrestrict Jx8s2kLq\n";
        assertEquals(List.of("CREATE TABLE public.a (", "    id integer", ");"), SchemaDiff.normalise(dump));
    }

    @Test
    void equalSchemasHaveNoDiff() {
        assertTrue(SchemaDiff.unified(List.of("a", "b"), List.of("a", "b"), "before", "after").isEmpty());
    }

    @Test
    void aLeftoverLineIsShownWithContextAndLineNumbers() {
        List<String> before = List.of("1", "2", "3", "4", "5", "6", "7", "8");
        List<String> after = List.of("1", "2", "3", "4", "4b", "5", "6", "7", "8");
        assertEquals(List.of("--- before", "+++ after", "@@ -2,6 +2,7 @@", " 2", " 3", " 4", "+4b", " 5", " 6", " 7"),
                SchemaDiff.unified(before, after, "before", "after"));
    }

    @Test
    void removedAndChangedLinesAreMinusThenPlus() {
        List<String> before = List.of("CREATE TABLE t (", "    a int,", "    b text", ");");
        List<String> after = List.of("CREATE TABLE t (", "    a bigint,", "    b text", ");");
        assertEquals(List.of("--- x", "+++ y", "@@ -1,4 +1,4 @@", " CREATE TABLE t (", "-    a int,", "+    a bigint,", "     b text", " );"),
                SchemaDiff.unified(before, after, "x", "y"));
    }

    @Test
    void distantChangesMakeSeparateHunks() {
        List<String> before = List.of("a", "1", "2", "3", "4", "5", "6", "7", "8", "9", "z");
        List<String> after = List.of("A", "1", "2", "3", "4", "5", "6", "7", "8", "9", "Z");
        List<String> diff = SchemaDiff.unified(before, after, "b", "a");
        assertEquals(List.of("--- b", "+++ a", "@@ -1,4 +1,4 @@", "-a", "+A", " 1", " 2", " 3",
                "@@ -8,4 +8,4 @@", " 7", " 8", " 9", "-z", "+Z"), diff);
    }
}
