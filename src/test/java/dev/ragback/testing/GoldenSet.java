package dev.ragback.testing;

import dev.ragback.testing.cli.TempDirs;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.ThrowawayPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A golden set made once per test class and handed to each test as it was: the database copied with
 * {@code CREATE DATABASE ... TEMPLATE}, the project directory (backups, releases, state) copied file by
 * file with its symlinks. Making the set through the CLI costs a dump and a Qdrant snapshot; copying it
 * costs a file copy. The Qdrant side is rebuilt by the test from the same deterministic points.
 */
public final class GoldenSet {
    private final ThrowawayPostgres postgres;
    private final String database;
    private final String template;
    private final Path stage;

    private GoldenSet(ThrowawayPostgres postgres, String database, Path stage) {
        this.postgres = postgres;
        this.database = database;
        this.template = database + "_golden";
        this.stage = stage;
    }

    /** Keeps {@code db} as it is now and the directory {@code stage} the set was made in ({@link #drop} deletes both). */
    public static GoldenSet capture(ThrowawayPostgres postgres, PgDatabase db, Path stage) {
        GoldenSet set = new GoldenSet(postgres, db.name(), stage);
        postgres.copyDatabase(set.template, db.name());
        return set;
    }

    /** The database back as it was captured (other sessions are ended), and the stage's files copied into {@code work}. */
    public void restoreInto(Path work) {
        postgres.copyDatabase(database, template);
        copyTree(stage, work);
    }

    /** Drops the template database and deletes the stage directory. */
    public void drop() {
        postgres.dropDatabase(template);
        TempDirs.delete(stage);
    }

    private static void copyTree(Path from, Path to) {
        try {
            // cp -a keeps the relative release symlinks as they are
            Process cp = new ProcessBuilder("cp", "-a", from + "/.", to.toString()).redirectErrorStream(true).start();
            String output = new String(cp.getInputStream().readAllBytes());
            if (!cp.waitFor(60, TimeUnit.SECONDS) || cp.exitValue() != 0) {
                throw new IllegalStateException("cp -a " + from + " " + to + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
