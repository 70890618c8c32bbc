package dev.plinth.provider.jsonfile.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.provider.jsonfile.CorruptDataFileException;
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
 * {@code journalFrom} on, in order. Reads only, until the whole data set has loaded; then the one write
 * it may make is saving a torn journal line aside (a crash mid-append) and cutting it off the journal.
 * Any other unreadable, empty or missing file fails the open with the file and line, leaving every file
 * as it was.
 *
 * <p>Formats: a folder whose manifest is of format 2 has only format 2 files (journals that start with a
 * header line, checksummed records). A folder of the previous version (manifest of format 1, or none) may
 * hold format 1 journals, without header or checksums; once a journal of format 2 appears, the following
 * ones must be too. The caller rewrites any folder not wholly in format 2 ({@link Result#rewrite}).
 *
 * <p>About 450 lines because every way a folder can be damaged or incomplete is decided here, in one place,
 * before anything is deleted or rewritten.
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
     * @param rewrite the folder is new, of the previous format or without its manifest: before use, its data
     *     must be written out in the current format (new journal, snapshots, manifest)
     */
    record Result(
            KeySpace space,
            Manifest manifest,
            long journalSequence,
            long journalValidLength,
            boolean needsNewline,
            boolean rewrite) {}

    /**
     * A torn line found by the replay, saved aside and cut off once everything else has loaded.
     *
     * @param validLength the bytes of the journal before it
     */
    private record Torn(Path journal, long line, long validLength, byte[] bytes) {}

    private final Path directory;
    private final RecordCodec codec;
    private final long now;
    /** Set by the replay of the last journal. */
    private Torn torn;

    /** Check only ({@code plinth check}): read everything, set nothing aside, change no file. */
    private final boolean readOnly;

    Recovery(Path directory, RecordCodec codec, long now) {
        this(directory, codec, now, false);
    }

    Recovery(Path directory, RecordCodec codec, long now, boolean readOnly) {
        this.directory = directory;
        this.codec = codec;
        this.now = now;
        this.readOnly = readOnly;
    }

    Result run() {
        TreeMap<Long, Path> allJournals = new TreeMap<>();
        List<String> snapshots = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long seq = FileNames.journalSequence(name);
                if (seq >= 0) {
                    allJournals.put(seq, f);
                } else if (FileNames.isSnapshot(name)) {
                    snapshots.add(name);
                }
            }
        } catch (IOException e) {
            throw OpenFailure.io("cannot list " + directory, e);
        }
        Path manifestFile = directory.resolve(FileNames.MANIFEST);
        Manifest manifest;
        boolean hasManifest = Files.exists(manifestFile);
        if (hasManifest) {
            manifest = Manifest.read(manifestFile);
        } else if (allJournals.isEmpty() && snapshots.isEmpty()) {
            manifest = Manifest.empty(); // a new folder
        } else if (allJournals.containsKey(1L)) {
            // Journal 1 is only deleted once a manifest covers it: with it, the journals hold every change
            // since the folder was created, and the manifest is not needed (a crash during the first
            // compaction, or a folder of the previous format that was never compacted).
            manifest = Manifest.empty();
        } else if (allJournals.isEmpty()) {
            // Only snapshots: without the manifest nothing tells which generation of each is in force or
            // which journal followed it, so the data set cannot be rebuilt and guessing could go back in time.
            throw new CorruptDataFileException(
                    manifestFile,
                    -1,
                    "the file is missing, and the data set needs it:"
                            + " it names the snapshots in force and the journal replayed over them (the folder holds "
                            + snapshots.size() + " snapshot file(s) and no journal)",
                    null);
        } else {
            throw new CorruptDataFileException(
                    manifestFile,
                    -1,
                    "the file is missing, and the data set needs it:"
                            + " it names the snapshots holding everything before journal " + allJournals.firstKey()
                            + " (the folder holds " + allJournals.size() + " journal(s) from " + allJournals.firstKey()
                            + " and " + snapshots.size() + " snapshot file(s))",
                    null);
        }
        SortedMap<Long, Path> journals = allJournals.tailMap(manifest.journalFrom());
        checkComplete(manifest, hasManifest, journals);
        KeySpace space = new KeySpace();
        space.lastVersion = manifest.lastVersion();
        for (Map.Entry<String, String> e : manifest.namespaces().entrySet()) {
            Namespace ns = Namespace.parse(e.getKey());
            List<Change.Put> puts =
                    SnapshotFile.read(directory.resolve(e.getValue()), codec, e.getKey(), manifest.format());
            space.applyUnlocked(ns, live(puts));
        }
        space.dirty.clear(); // from here on, dirty = touched by a journal that compaction will delete
        long lastSeq = journals.isEmpty() ? manifest.journalFrom() : journals.lastKey();
        long mayEndTornFrom = mayEndTornFrom(journals);
        long validLength = 0;
        boolean needsNewline = false;
        boolean format2 = hasManifest && manifest.format() == Manifest.FORMAT;
        boolean allFormat2 = true;
        for (Map.Entry<Long, Path> j : journals.entrySet()) {
            Replay r = replay(j.getValue(), j.getKey(), space, j.getKey() >= mayEndTornFrom, format2);
            validLength = r.validLength;
            needsNewline = r.needsNewline;
            format2 = r.format2;
            allFormat2 &= r.format2;
        }
        if (torn != null && !readOnly) {
            setAside(torn);
        }
        boolean rewrite = !hasManifest || manifest.format() != Manifest.FORMAT || !allFormat2 || journals.isEmpty();
        return new Result(space, manifest, lastSeq, validLength, needsNewline, rewrite);
    }

    /**
     * Every file the manifest needs must be there: its snapshots, and the journals from
     * {@code journalFrom} on without a gap (compaction deletes journals only from the oldest up).
     */
    private void checkComplete(Manifest manifest, boolean hasManifest, SortedMap<Long, Path> journals) {
        for (Map.Entry<String, String> e : manifest.namespaces().entrySet()) {
            Path snapshot = directory.resolve(e.getValue());
            if (!Files.exists(snapshot)) {
                throw new CorruptDataFileException(
                        snapshot,
                        -1,
                        "the file is missing; " + FileNames.MANIFEST + " lists it as the snapshot of namespace '"
                                + e.getKey() + "'",
                        null);
            }
        }
        if (journals.isEmpty()) {
            if (hasManifest) {
                Path first = directory.resolve(FileNames.journal(manifest.journalFrom()));
                throw new CorruptDataFileException(
                        first,
                        -1,
                        "the file is missing; " + FileNames.MANIFEST + " replays the journals from it on",
                        null);
            }
            return;
        }
        long expected = manifest.journalFrom();
        for (long seq : journals.keySet()) {
            if (seq != expected) {
                Path missing = directory.resolve(FileNames.journal(expected));
                throw new CorruptDataFileException(
                        missing,
                        -1,
                        "the file is missing, but the data set needs it:"
                                + " journals are replayed from " + manifest.journalFrom() + " without a gap, and "
                                + FileNames.journal(seq) + " exists",
                        null);
            }
            expected++;
        }
    }

    /**
     * The first journal whose last line may be torn: the newest, and every older one followed only by
     * journals that hold nothing but their header.
     *
     * <p>Why a torn line there loses nothing acknowledged: no change was appended after it in any journal,
     * so it is the last append before the crash, and its bytes did not all reach the disk, so no fsync
     * covering it succeeded. In sync mode a write is acknowledged only after that fsync; in batched mode it
     * is one of the last flushInterval's writes, which a power loss may take by contract. Such header-only
     * journals are left when the crash came right after the next journal was created (or while an open
     * that rewrites the folder was writing), when the folder fsync for a new journal failed and the store
     * went on appending to the older one, or after a failed fsync, when the repair continues in a new journal
     * and abandons the old one unsynced. Once a later journal holds a change, the older one was fsynced
     * before it existed ({@link Journal#rotate}) or is not replayed any more (a repair's manifest starts
     * after it), so a line without checksum there is damage.
     */
    private long mayEndTornFrom(SortedMap<Long, Path> journals) {
        if (journals.isEmpty()) {
            return Long.MAX_VALUE;
        }
        List<Long> sequences = new ArrayList<>(journals.keySet());
        int first = sequences.size() - 1;
        while (first > 0 && holdsOnlyHeader(journals.get(sequences.get(first)), sequences.get(first))) {
            first--;
        }
        return sequences.get(first);
    }

    /** @return whether the journal is exactly the header line this provider writes when it creates one */
    private boolean holdsOnlyHeader(Path journal, long sequence) {
        RecordBuffer header = new RecordBuffer();
        try {
            codec.writeJournalHeader(header, sequence);
            if (Files.size(journal) != header.size()) {
                return false;
            }
            byte[] bytes = Manifest.readAll(journal);
            return Arrays.equals(bytes, 0, bytes.length, header.array(), 0, header.size());
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + journal, e);
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

    /**
     * @param validLength the bytes of the journal that hold complete lines
     * @param needsNewline its last line is complete but lacks its newline
     * @param format2 it is of format 2
     */
    private record Replay(long validLength, boolean needsNewline, boolean format2) {}

    /**
     * Replays one journal.
     *
     * @param mustBeFormat2 the folder's manifest, or an earlier journal, is of format 2
     */
    private Replay replay(Path file, long sequence, KeySpace space, boolean mayEndTorn, boolean mustBeFormat2) {
        long line = 0;
        long offset = 0;
        boolean format2 = false;
        try (LineReader in = new LineReader(new java.io.FileInputStream(file.toFile()))) {
            while (in.next()) {
                line++;
                byte[] bytes = in.buffer();
                int length = in.length();
                boolean terminated = in.terminated();
                if (line == 1) {
                    format2 = readHeader(file, sequence, bytes, length, terminated, mustBeFormat2);
                    if (format2) {
                        offset += length + 1;
                        continue;
                    }
                }
                if (length > 0 && bytes[length - 1] == '\r') {
                    length--; // a line ending edited on Windows
                }
                if (isBlank(bytes, length)) {
                    offset += in.length() + (terminated ? 1 : 0);
                    continue;
                }
                RecordCodec.JournalRecord record = format2
                        ? readChecksummed(file, line, bytes, length, mayEndTorn && !terminated)
                        : readFormat1(file, line, bytes, length, mayEndTorn && !terminated);
                if (record == null) {
                    // A crash mid-append leaves a partial last line; that write was never acknowledged.
                    torn = new Torn(file, line, offset, Arrays.copyOf(bytes, in.length()));
                    return new Replay(offset, false, format2);
                }
                space.applyUnlocked(record.ns(), record.changes());
                if (!terminated) {
                    return new Replay(offset + in.length(), true, format2);
                }
                offset += in.length() + 1;
            }
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
        if (line == 0 && mustBeFormat2) {
            throw new CorruptDataFileException(
                    file,
                    -1,
                    "the file is empty (0 bytes), but every journal starts with"
                            + " a header line written before any change: it was truncated or replaced",
                    null);
        }
        return new Replay(offset, false, format2);
    }

    /** @return whether line 1 is a format 2 header; a format 1 journal has none */
    private static boolean readHeader(
            Path file, long sequence, byte[] bytes, int length, boolean terminated, boolean mustBeFormat2) {
        boolean checksummed = Checksums.hasSuffix(bytes, length);
        JsonNode node = null;
        if (checksummed) {
            try {
                node = MAPPER.readTree(bytes, 0, length);
            } catch (IOException e) {
                node = null;
            }
        }
        if (node == null || !RecordCodec.isHeader(node)) {
            if (mustBeFormat2) {
                throw new CorruptDataFileException(
                        file,
                        1,
                        "the header line is missing or damaged (every journal of"
                                + " format 2 starts with {\"format\":2,\"journal\":" + sequence + ",\"crc\":...})",
                        null);
            }
            return false;
        }
        try {
            Checksums.verify(bytes, length);
            RecordCodec.checkHeader(node, sequence);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataFileException(file, 1, e.getMessage(), e);
        }
        if (!terminated) {
            // Headers are written whole before the file gets its name; one without newline was edited.
            throw new CorruptDataFileException(file, 1, "the header line has no newline", null);
        }
        return true;
    }

    /**
     * A format 2 line. A line that does not end with a checksum is torn when it is the unterminated last
     * line of a journal that may end torn ({@code mayBeTorn}, see {@link #mayEndTornFrom}: a prefix of a
     * record never ends with its last field);
     * anywhere else, and whenever the checksum is there but does not match or the record is invalid, it
     * is damage.
     *
     * @return the record, or {@code null} for a torn line
     */
    private RecordCodec.JournalRecord readChecksummed(
            Path file, long line, byte[] bytes, int length, boolean mayBeTorn) {
        if (!Checksums.hasSuffix(bytes, length)) {
            if (mayBeTorn) {
                return null;
            }
            throw new CorruptDataFileException(
                    file,
                    line,
                    "the line has no checksum (\"crc\" must be its last" + " field): it was cut or edited",
                    null);
        }
        try {
            Checksums.verify(bytes, length);
            JsonNode node = MAPPER.readTree(bytes, 0, length);
            return codec.readJournalRecord(node);
        } catch (JsonProcessingException e) {
            throw new CorruptDataFileException(file, line, "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataFileException(file, line, e.getMessage(), e);
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
    }

    /**
     * A format 1 line: no checksum, so only a last line that is not complete JSON counts as torn (a prefix
     * of a JSON object is never complete JSON). A complete record that breaks a rule, a key with a NUL
     * say, is damage even there.
     *
     * @return the record, or {@code null} for a torn line
     */
    private RecordCodec.JournalRecord readFormat1(Path file, long line, byte[] bytes, int length, boolean mayBeTorn) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes, 0, length);
        } catch (JsonProcessingException e) {
            if (mayBeTorn) {
                return null;
            }
            throw new CorruptDataFileException(file, line, "invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw OpenFailure.io("cannot read " + file, e);
        }
        try {
            if (node.isObject() && node.has("crc")) {
                throw new IllegalArgumentException("a checksummed line in a journal without header (format 1)");
            }
            return codec.readJournalRecord(node);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataFileException(file, line, e.getMessage(), e);
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

    /**
     * Saves the torn line next to its journal, then cuts it off. Cut here, not only when the journal is
     * continued: the journal it ends may not be the one appended to next (a newer one holding only its
     * header is), and once that one holds a change, a torn line left behind it would be damage.
     */
    private void setAside(Torn t) {
        Path journal = t.journal();
        Path aside = journal.resolveSibling(journal.getFileName() + ".torn-" + now);
        try {
            try (java.io.FileOutputStream out = new java.io.FileOutputStream(aside.toFile())) {
                out.write(t.bytes());
                out.getFD().sync();
            }
            AtomicFiles.syncDirectory(directory);
        } catch (IOException e) {
            throw OpenFailure.io("cannot save the torn last line of " + journal + " to " + aside, e);
        }
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(journal.toFile(), "rw")) {
            file.setLength(t.validLength());
            file.getFD().sync();
        } catch (IOException e) {
            throw OpenFailure.io("cannot cut the torn last line off " + journal + " (saved to " + aside + ")", e);
        }
        LOG.warn(
                "Ignoring a torn last line in {} (line {}, {} bytes: an append interrupted by a crash, never"
                        + " acknowledged); its bytes were saved to {}",
                journal,
                t.line(),
                t.bytes().length,
                aside);
    }
}
