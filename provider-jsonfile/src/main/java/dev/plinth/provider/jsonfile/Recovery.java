package dev.plinth.provider.jsonfile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds memory from a folder: the manifest's snapshots, then every journal from the manifest's
 * {@code journalFrom} on, in order. Reads only; the one write it may make is saving a torn last journal
 * line aside (a crash mid-append) before it is ignored. Any other unreadable line fails the open with the
 * file and line, leaving every file as it was.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @param space the rebuilt memory
     * @param manifest the manifest in force
     * @param journalSequence the journal to continue appending to
     * @param journalValidLength the bytes of it that hold complete lines
     * @param needsNewline the last line is complete JSON but lacks its newline
     * @param obsolete files left by an interrupted compaction, safe to delete
     */
    record Result(KeySpace space, Manifest manifest, long journalSequence, long journalValidLength,
            boolean needsNewline, List<Path> obsolete) {
    }

    private final Path directory;
    private final RecordCodec codec;
    private final long now;

    Recovery(Path directory, RecordCodec codec, long now) {
        this.directory = directory;
        this.codec = codec;
        this.now = now;
    }

    Result run() {
        TreeMap<Long, Path> allJournals = new TreeMap<>();
        List<String> snapshots = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long seq = FileNames.journalSequence(name);
                if (seq >= 0) {
                    allJournals.put(seq, f);
                } else if (FileNames.isSnapshot(name)) {
                    snapshots.add(name);
                } else if (name.endsWith(FileNames.TEMP_SUFFIX) && isOurs(name)) {
                    temps.add(f);
                }
            }
        } catch (IOException e) {
            throw OpenFailure.io("cannot list " + directory, e);
        }
        Path manifestFile = directory.resolve(FileNames.MANIFEST);
        Manifest manifest;
        if (Files.exists(manifestFile)) {
            manifest = Manifest.read(manifestFile);
        } else if (allJournals.isEmpty() && snapshots.isEmpty()) {
            manifest = Manifest.empty(); // a new folder
        } else if (allJournals.containsKey(1L)) {
            // Journal 1 is only deleted once a manifest covers it: with it, the journals hold every change
            // since the folder was created, and the manifest is not needed (a crash during the first
            // compaction, or a folder of the previous format that was never compacted).
            manifest = Manifest.empty();
        } else {
            throw new CorruptDataFileException(manifestFile, -1, "the file is missing, and the data set needs it:"
                    + " it names the snapshots holding everything before journal " + allJournals.firstKey()
                    + " (the folder holds " + allJournals.size() + " journal(s) from " + allJournals.firstKey()
                    + " and " + snapshots.size() + " snapshot file(s))", null);
        }
        SortedMap<Long, Path> journals = allJournals.tailMap(manifest.journalFrom());
        checkComplete(manifest, journals);
        KeySpace space = new KeySpace();
        space.lastVersion = manifest.lastVersion();
        for (Map.Entry<String, String> e : manifest.namespaces().entrySet()) {
            Namespace ns = Namespace.parse(e.getKey());
            List<Change.Put> puts = SnapshotFile.read(directory.resolve(e.getValue()), codec, e.getKey());
            space.applyUnlocked(ns, live(puts));
        }
        space.dirty.clear(); // from here on, dirty = touched by a journal that compaction will delete
        long lastSeq = journals.isEmpty() ? manifest.journalFrom() : journals.lastKey();
        long validLength = 0;
        boolean needsNewline = false;
        for (Map.Entry<Long, Path> j : journals.entrySet()) {
            Replay r = replay(j.getValue(), space, j.getKey() == lastSeq);
            validLength = r.validLength;
            needsNewline = r.needsNewline;
        }
        // Only now, with the data set known complete, may anything be called obsolete.
        List<Path> obsolete = new ArrayList<>(temps);
        obsolete.addAll(allJournals.headMap(manifest.journalFrom()).values());
        for (String name : snapshots) {
            if (!manifest.namespaces().containsValue(name)) {
                obsolete.add(directory.resolve(name));
            }
        }
        return new Result(space, manifest, lastSeq, validLength, needsNewline, obsolete);
    }

    /**
     * Every file the manifest needs must be there: its snapshots, and the journals from
     * {@code journalFrom} on without a gap (compaction deletes journals only from the oldest up).
     */
    private void checkComplete(Manifest manifest, SortedMap<Long, Path> journals) {
        for (Map.Entry<String, String> e : manifest.namespaces().entrySet()) {
            Path snapshot = directory.resolve(e.getValue());
            if (!Files.exists(snapshot)) {
                throw new CorruptDataFileException(snapshot, -1, "the file is missing; "
                        + FileNames.MANIFEST + " lists it as the snapshot of namespace '" + e.getKey() + "'", null);
            }
        }
        if (journals.isEmpty()) {
            if (manifest.generation() > 0) {
                Path first = directory.resolve(FileNames.journal(manifest.journalFrom()));
                throw new CorruptDataFileException(first, -1, "the file is missing; " + FileNames.MANIFEST
                        + " replays the journals from it on", null);
            }
            return;
        }
        long expected = manifest.journalFrom();
        for (long seq : journals.keySet()) {
            if (seq != expected) {
                Path missing = directory.resolve(FileNames.journal(expected));
                throw new CorruptDataFileException(missing, -1, "the file is missing, but the data set needs it:"
                        + " journals are replayed from " + manifest.journalFrom() + " without a gap, and "
                        + FileNames.journal(seq) + " exists", null);
            }
            expected++;
        }
    }

    private List<Change> live(List<Change.Put> puts) {
        List<Change> out = new ArrayList<>(puts.size());
        for (Change.Put p : puts) {
            if (p.item().liveAt(now)) {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean isOurs(String tempName) {
        String base = tempName.substring(0, tempName.length() - FileNames.TEMP_SUFFIX.length());
        return base.equals(FileNames.MANIFEST) || FileNames.isSnapshot(base);
    }

    private record Replay(long validLength, boolean needsNewline) {
    }

    private Replay replay(Path file, KeySpace space, boolean last) {
        long line = 0;
        long offset = 0;
        try (LineReader in = new LineReader(new java.io.FileInputStream(file.toFile()))) {
            while (in.next()) {
                line++;
                byte[] bytes = in.buffer();
                int length = in.length();
                boolean terminated = in.terminated();
                if (!isBlank(bytes, length)) {
                    RecordCodec.JournalRecord record;
                    try {
                        JsonNode node = MAPPER.readTree(bytes, 0, length);
                        record = codec.readJournalRecord(node);
                    } catch (JsonProcessingException | IllegalArgumentException e) {
                        if (last && !terminated) {
                            // A crash mid-append leaves a partial last line; that write was never acknowledged.
                            setAside(file, line, Arrays.copyOf(bytes, length));
                            return new Replay(offset, false);
                        }
                        String problem = e instanceof JsonProcessingException jpe
                                ? "invalid JSON: " + jpe.getOriginalMessage() : e.getMessage();
                        throw new CorruptDataFileException(file, line, problem, e);
                    }
                    space.applyUnlocked(record.ns(), record.changes());
                    if (!terminated) {
                        return new Replay(offset + length, true);
                    }
                }
                offset += length + (terminated ? 1 : 0);
            }
            return new Replay(offset, false);
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
    }

    private static boolean isBlank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private void setAside(Path journal, long line, byte[] torn) {
        Path aside = journal.resolveSibling(journal.getFileName() + ".torn-" + now);
        try {
            try (java.io.FileOutputStream out = new java.io.FileOutputStream(aside.toFile())) {
                out.write(torn);
                out.getFD().sync();
            }
            AtomicFiles.syncDirectory(directory);
        } catch (IOException e) {
            throw OpenFailure.io("cannot save the torn last line of " + journal + " to " + aside, e);
        }
        LOG.warn("Ignoring a torn last line in {} (line {}, {} bytes: an append interrupted by a crash, never"
                + " acknowledged); its bytes were saved to {}", journal, line, torn.length, aside);
    }
}
