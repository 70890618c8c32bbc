package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.provider.jsonfile.CorruptDataFileException;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a power loss (or kill -9) can leave around a journal switch: the older journal's unsynced tail cut
 * mid-line while a newer journal already exists holding only its header. The operator does nothing after
 * a power loss, so the open must accept that state; the state is built by hand, as a power loss would
 * leave it, because no test here can cut the power.
 */
class PowerLossTest {
    private static final Namespace NS = Namespace.of("notes");
    private static final String TORN = "{\"op\":\"set\",\"ns\":\"notes\",\"key\":\"c\",\"val";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aTornLineEndingAnOlderJournalFollowedOnlyByHeadersIsSetAsideAndCutOff(int headerOnly) throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.set(NS, "b", utf8("2"), 0);
        }
        Path journal1 = dir.resolve(FileNames.journal(1));
        Files.writeString(journal1, TORN, StandardOpenOption.APPEND);
        for (int i = 0; i < headerOnly; i++) {
            writeHeaderOnlyJournal(2 + i);
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(text(present(b.get(NS, "a")).value())).isEqualTo("1");
            assertThat(text(present(b.get(NS, "b")).value())).isEqualTo("2");
            assertThat(b.exists(NS, "c")).isFalse();
            b.set(NS, "d", utf8("4"), 0);
        }
        List<String> aside = names().stream()
                .filter(n -> n.startsWith(FileNames.journal(1) + ".torn-"))
                .toList();
        assertThat(aside).hasSize(1);
        assertThat(Files.readString(dir.resolve(aside.get(0)))).isEqualTo(TORN);
        // Cut off, not only skipped: the newest journal now holds a record, so a torn line left in journal 1
        // would be damage at the next open.
        assertThat(Files.readString(journal1)).doesNotContain(TORN).endsWith("\n");
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("a", "b", "d");
        }
    }

    @Test
    void aTornLineInAnOlderJournalIsDamageOnceALaterJournalHoldsAChange() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
        }
        Path journal1 = dir.resolve(FileNames.journal(1));
        Files.writeString(journal1, TORN, StandardOpenOption.APPEND);
        writeHeaderOnlyJournal(2);
        Files.writeString(
                dir.resolve(FileNames.journal(2)),
                Backends.withCrc("{\"op\":\"set\",\"ns\":\"notes\",\"key\":\"e\",\"value\":\"5\",\"version\":9") + "\n",
                StandardOpenOption.APPEND);
        Map<String, String> before = folder();
        assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                .isInstanceOf(CorruptDataFileException.class)
                .hasMessageContaining(journal1 + " line 3")
                .hasMessageContaining("no checksum");
        assertThat(folder()).isEqualTo(before);
    }

    /**
     * A compaction fsyncs the journal it leaves before the next one exists: were it the other way round, a
     * power loss between the two would leave the older journal's unsynced tail torn behind a newer one.
     */
    @Test
    void aJournalSwitchFsyncsTheOldJournalBeforeTheNextExists() throws IOException {
        Path journal1 = dir.resolve(FileNames.journal(1));
        Path journal2 = dir.resolve(FileNames.journal(2));
        List<Boolean> nextExistedAtSync = new CopyOnWriteArrayList<>();
        JournalFile.Opener opener = path -> {
            JournalFile real = JournalFile.Opener.DEFAULT.open(path);
            return !path.equals(journal1)
                    ? real
                    : new JournalFile() {
                        @Override
                        public void write(byte[] bytes, int offset, int length, long position) throws IOException {
                            real.write(bytes, offset, length, position);
                        }

                        @Override
                        public long size() throws IOException {
                            return real.size();
                        }

                        @Override
                        public void truncate(long size) throws IOException {
                            real.truncate(size);
                        }

                        @Override
                        public void sync() throws IOException {
                            nextExistedAtSync.add(Files.exists(journal2));
                            real.sync();
                        }

                        @Override
                        public void close() throws IOException {
                            real.close();
                        }
                    };
        };
        JsonFileSettings s = Backends.settings(dir);
        // Batched, with no periodic fsync in the test's time: the switch's own fsync is the one that counts.
        JsonFileSettings batched = new JsonFileSettings(
                dir, Durability.BATCHED, Duration.ofHours(1), s.compactionThreshold(), 0, s.sweepInterval());
        try (JsonFileStorageBackend b =
                JsonFileStorageBackend.open(batched, Backends.context(ChangeListener.NONE), opener)) {
            nextExistedAtSync.clear();
            for (int i = 0; i < 10; i++) {
                b.set(NS, "k" + i, utf8("v" + i), 0);
            }
            b.compactNow();
        }
        assertThat(nextExistedAtSync)
                .as("fsyncs of journal 1 (journal 2 existed?)")
                .isNotEmpty()
                .containsOnly(false);
    }

    /** A journal as the provider creates it, before any change is appended: its header line alone. */
    private void writeHeaderOnlyJournal(long sequence) throws IOException {
        Files.writeString(
                dir.resolve(FileNames.journal(sequence)),
                Backends.withCrc("{\"format\":2,\"journal\":" + sequence) + "\n");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every data file's content; the lock file is excluded: each opener records itself there. */
    private Map<String, String> folder() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String name : names()) {
            if (!name.equals(FolderLock.FILE_NAME)) {
                out.put(name, new String(Files.readAllBytes(dir.resolve(name)), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }
}
