package dev.ragback.app.snapshot;

import dev.ragback.app.port.DumpTool;

/**
 * What a snapshot set captures and how.
 *
 * @param collection           configured collection or alias
 * @param vectorName           vector used by probes, or {@code null}: the unnamed one, else the first named one
 * @param probes               how many golden probes to record
 * @param k                    results per probe
 * @param chunksTable          table counted per model_id
 * @param dump                 pg_dump options
 * @param deleteServerSnapshot delete Qdrant's copy once downloaded
 * @param qdrantUrl            for the manifest, with no credentials
 * @param database             database name, for the dump's file name
 */
public record SnapshotSettings(String collection, String vectorName, int probes, int k, String chunksTable,
                               DumpTool.DumpOptions dump, boolean deleteServerSnapshot, String qdrantUrl,
                               String database) {
}
