package dev.ragback.app.migrate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlScriptTest {

    private static List<String> texts(String sql) {
        return SqlScript.split(sql).stream().map(SqlScript.Statement::text).toList();
    }

    @Test
    void splitsAtTopLevelSemicolonsAndRemembersLines() {
        List<SqlScript.Statement> statements = SqlScript.split("-- header; not a statement\n\nCREATE TABLE a (id int);\n"
                + "/* block; comment */ ALTER TABLE a\n  ADD COLUMN b text;\nDROP TABLE c");
        assertEquals(3, statements.size());
        assertEquals(new SqlScript.Statement(1, 3, "CREATE TABLE a (id int)"), statements.get(0));
        assertEquals(4, statements.get(1).line());
        assertEquals("ALTER TABLE a\n  ADD COLUMN b text", statements.get(1).text());
        assertEquals(new SqlScript.Statement(3, 6, "DROP TABLE c"), statements.get(2));
    }

    @Test
    void semicolonsInsideQuotesAndCommentsDoNotSplit() {
        assertEquals(List.of("INSERT INTO t VALUES ('a;b', 'it''s; fine')", "SELECT \"odd;name\" FROM t",
                        "SELECT E'esc\\'; still' AS x", "SELECT 1 /* outer /* nested; */ still; */", "SELECT 2 -- trailing; comment"),
                texts("INSERT INTO t VALUES ('a;b', 'it''s; fine');SELECT \"odd;name\" FROM t;SELECT E'esc\\'; still' AS x;"
                        + "SELECT 1 /* outer /* nested; */ still; */;SELECT 2 -- trailing; comment\n;"));
    }

    @Test
    void dollarQuotedBodiesStayWhole() {
        String function = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN PERFORM 1; RETURN 2; END $body$";
        String doBlock = "DO $$ BEGIN RAISE NOTICE 'x;'; END $$";
        assertEquals(List.of(function, doBlock, "PREPARE p AS SELECT $1::int"), texts(function + ";\n" + doBlock + ";\nPREPARE p AS SELECT $1::int;"));
    }

    @Test
    void sqlStandardFunctionBodiesStayWhole() {
        String atomic = "CREATE OR REPLACE FUNCTION g(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC\n"
                + "  SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END;\n  SELECT x;\nEND";
        assertEquals(List.of(atomic, "SELECT g(1)"), texts(atomic + ";\nSELECT g(1);"));
    }

    @Test
    void errorPositionsMapToScriptLines() {
        SqlScript.Statement statement = SqlScript.split("\n\nALTER TABLE a\n    ADD COLUMN b nope;").get(0);
        assertEquals(3, statement.line());
        assertEquals(3, statement.lineOf(1));
        assertEquals(4, statement.lineOf(statement.text().indexOf("nope") + 1));
        assertEquals("ALTER TABLE a ADD…", statement.oneLine(17));
    }

    @Test
    void transactionControlIsAProblemButOtherStatementsAreNot() {
        for (String sql : new String[] {"BEGIN", "begin transaction", "START TRANSACTION", "COMMIT", "end", "ROLLBACK", "abort"}) {
            assertTrue(SqlScript.problem(SqlScript.split(sql).get(0)) != null, sql);
        }
        for (String sql : new String[] {"CREATE TABLE begin_log (id int)", "DO $$ BEGIN END $$", "SAVEPOINT a", "ALTER TABLE t ADD COLUMN c int"}) {
            assertNull(SqlScript.problem(SqlScript.split(sql).get(0)), sql);
        }
    }

    @Test
    void emptyAndCommentOnlyScriptsHaveNoStatements() {
        assertTrue(SqlScript.split("").isEmpty());
        assertTrue(SqlScript.split("  -- nothing\n/* still nothing */ ;;\n").isEmpty());
    }
}
