package dev.plinth.provider.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.Namespace;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exclusive mode's numbering: blocks reserved in the database, never a number handed out twice. */
class LocalSequenceTest {
    private static final Namespace NS = Namespace.of("seq");

    @TempDir
    Path dir;

    private SqlConnection migrated(Path file) throws SQLException {
        SqlConnection c = new SqlConnection(DriverManager.getConnection("jdbc:sqlite:" + file));
        Schema.migrate(c, file);
        return c;
    }

    private static long highestReserved(SqlConnection c) throws SQLException {
        return c.queryLong("SELECT max(seq) FROM plinth_changes");
    }

    /** One committed transaction drawing {@code count} single numbers. */
    private static List<Long> commitDrawing(SqlConnection c, LocalSequence seq, int count) throws SQLException {
        List<Long> drawn = new ArrayList<>();
        c.beginImmediate();
        for (int i = 0; i < count; i++) {
            drawn.add(seq.append(c, NS, ChangeType.SET, "k", 0));
        }
        c.commit();
        seq.committed(drawn.get(drawn.size() - 1));
        return drawn;
    }

    @Test
    void numbersGrowAcrossBlocksAndEveryHandedOutNumberIsCoveredByAReservation() throws SQLException {
        Path file = dir.resolve("blocks.db");
        try (SqlConnection c = migrated(file)) {
            LocalSequence seq = new LocalSequence(4);
            seq.start(c);
            List<Long> all = new ArrayList<>();
            for (int tx = 0; tx < 5; tx++) {
                all.addAll(commitDrawing(c, seq, 3));
                assertThat(highestReserved(c)).isGreaterThanOrEqualTo(all.get(all.size() - 1));
            }
            c.beginImmediate();
            long first = seq.appendAll(c, NS, new ChangeType[10], new String[10], 0);
            c.commit();
            seq.committed(first + 9);
            assertThat(first).isEqualTo(all.get(all.size() - 1) + 1);
            assertThat(highestReserved(c)).isGreaterThanOrEqualTo(first + 9);
            assertThat(all).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aRolledBackReservationIsMadeAgainAndARestartStartsAboveEverything() throws SQLException {
        Path file = dir.resolve("rollback.db");
        long lastCommitted;
        try (SqlConnection c = migrated(file)) {
            LocalSequence seq = new LocalSequence(4);
            seq.start(c);
            long reservedAtStart = highestReserved(c);
            List<Long> drawn = commitDrawing(c, seq, 2);
            // This transaction crosses the block and rolls back: its reservation row goes with it.
            c.beginImmediate();
            for (int i = 0; i < 5; i++) {
                seq.append(c, NS, ChangeType.SET, "k", 0);
            }
            assertThat(highestReserved(c)).isGreaterThan(reservedAtStart);
            c.rollbackQuietly();
            seq.abort();
            assertThat(highestReserved(c)).isEqualTo(reservedAtStart);
            // The rolled-back numbers were never seen, so they are handed out again, and reserved again.
            List<Long> again = commitDrawing(c, seq, 5);
            assertThat(again.get(0)).isEqualTo(drawn.get(1) + 1);
            lastCommitted = again.get(4);
            assertThat(highestReserved(c)).isGreaterThanOrEqualTo(lastCommitted);
        }
        try (SqlConnection c = migrated(file)) {
            LocalSequence restarted = new LocalSequence(4);
            restarted.start(c);
            assertThat(commitDrawing(c, restarted, 1).get(0)).isGreaterThan(lastCommitted);
        }
    }
}
