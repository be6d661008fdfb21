package dev.ragback.app.archfixture;

import java.sql.Connection;

/** Deliberately breaks the architecture rules; only {@code ArchitectureTest} imports it, explicitly. */
public final class UseCaseThatTalksSql {
    private Connection connection;
    private picocli.CommandLine commandLine;

    public boolean isOpen() throws java.sql.SQLException {
        return connection != null && !connection.isClosed() && commandLine != null;
    }
}
