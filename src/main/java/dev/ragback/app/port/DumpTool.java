package dev.ragback.app.port;

/** The database's dump and restore programs (pg_dump / pg_restore). */
public interface DumpTool {

    /** Version of the dump program, e.g. {@code 15.18}; fails EXTERNAL when it cannot run. */
    String dumpVersion();

    /** Version of the restore program; fails EXTERNAL when it cannot run. */
    String restoreVersion();
}
