package dev.ragback.cli.snapshot;

import dev.ragback.app.Progress;
import dev.ragback.app.snapshot.Manifest;
import dev.ragback.app.snapshot.ManifestJson;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "copy", description = "Copy one set between a directory and an S3 bucket (s3://bucket/prefix), or "
        + "between buckets: the source is verified first, every byte hashed on the way, the copy verified where it lands.")
final class SnapshotCopyCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(paramLabel = "ID", description = "Set id (see: ragback snapshot list).")
    String id;

    @Option(names = "--to", required = true, paramLabel = "DIR|s3://BUCKET/PREFIX", description = "Where the copy goes.")
    String to;

    @Option(names = "--from", paramLabel = "DIR|s3://BUCKET/PREFIX", description = "Where the set is (default: backups.dir).")
    String from;

    SnapshotCopyCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Progress progress = session.progress();
        Manifest copied;
        String source = from == null ? session.services().repositoryLocation() : from;
        try {
            copied = session.services().setCopy().copy(id, session.services().side(source), session.services().side(to),
                    bytes -> progress.bytes("copy", bytes));
        } finally {
            progress.done();
        }
        if (session.json()) {
            session.printJson(ManifestJson.asJson(copied));
        } else {
            session.out().println("snapshot " + id + " copied from " + source + " to " + to + " and verified there");
        }
        return ExitCodes.OK;
    }
}
