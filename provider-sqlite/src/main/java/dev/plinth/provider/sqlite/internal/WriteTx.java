package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of the one write transaction in progress: the writer connection, the time the transaction
 * started and the changes to report after commit. Each change is numbered by the {@link ChangeLog} as it
 * happens (logged in {@code plinth_changes} when the file is shared); its number is the database-wide
 * version sequence (a SET's version), so a write needs no separate sequence row. Reused by the writer for every transaction; touched only under the
 * writer lock.
 */
final class WriteTx {
    private static final org.slf4j.Logger LOG = SqliteStorageBackend.LOG;

    private final SqlConnection connection;
    private final ChangeLog changeLog;
    private final List<Change> changes = new ArrayList<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private long now;

    WriteTx(SqlConnection connection, ChangeLog changeLog) {
        this.connection = connection;
        this.changeLog = changeLog;
    }

    SqlConnection connection() {
        return connection;
    }

    /** @return the transaction's time, epoch ms, taken once the write lock was held */
    long now() {
        return now;
    }

    /**
     * Logs a change in this transaction.
     *
     * @return its sequence number: larger than any this database handed out before, in any process, and the
     *     version of the key when {@code type} is SET
     */
    long changed(Namespace ns, ChangeType type, String key) throws SQLException {
        long seq = changeLog.append(connection, ns, type, key, now);
        changes.add(new Change(seq, ns, type, key));
        return seq;
    }

    /**
     * Logs several changes in one namespace, in order.
     *
     * @return the first one's sequence number; change {@code i} has that number plus {@code i}
     */
    long changedAll(Namespace ns, ChangeType[] types, String[] keys) throws SQLException {
        long first = changeLog.appendAll(connection, ns, types, keys, now);
        for (int i = 0; i < types.length; i++) {
            changes.add(new Change(first + i, ns, types[i], keys[i]));
        }
        return first;
    }

    /** @return how many changes this transaction has logged so far */
    int changeCount() {
        return changes.size();
    }

    /**
     * Reports an expired row as reclaimed ({@code EXPIRE}) just before change {@code changeIndex}, the SET
     * that replaced it. Only where the change log keeps no order for other processes
     * ({@link ChangeLog#sharedWithOtherProcesses()} is {@code false}): a shared log already holds the SET.
     */
    void reclaimedBefore(int changeIndex, Namespace ns, String key) {
        if (changeLog.sharedWithOtherProcesses()) {
            throw new IllegalStateException("a shared change log must log the reclaim before the SET");
        }
        changes.add(changeIndex, new Change(0L, ns, ChangeType.EXPIRE, key));
    }

    /**
     * Turns change {@code changeIndex}, the last one, a SET logged for a key whose expired row then turned out
     * to be in its way, into that row's reclaim ({@code EXPIRE}), keeping its number, in the log too; then logs
     * the SET again after it. The log then reads as if the reclaim had been logged first, with no number
     * skipped.
     *
     * @return the SET's new number: the key's version
     */
    long reclaimedAt(int changeIndex) throws SQLException {
        if (changeIndex != changes.size() - 1 || changes.get(changeIndex).type() != ChangeType.SET) {
            throw new IllegalStateException("only the SET just logged can become the reclaim before it");
        }
        Change set = changes.get(changeIndex);
        changeLog.retype(connection, set.seq(), ChangeType.EXPIRE);
        changes.set(changeIndex, new Change(set.seq(), set.namespace(), ChangeType.EXPIRE, set.key()));
        return changed(set.namespace(), ChangeType.SET, set.key());
    }

    /** Runs {@code action} once the transaction committed (never when it rolls back). */
    void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    void runAfterCommit() {
        for (int i = 0; i < afterCommit.size(); i++) {
            afterCommit.get(i).run();
        }
    }

    void begin(long startedAt) {
        now = startedAt;
    }

    /** Reports the committed changes in commit order; the listener only enqueues. */
    void publish(ChangeListener listener) {
        publish(listener, changes);
    }

    /** @return the changes of this transaction so far, in order */
    List<Change> changes() {
        return changes;
    }

    static void publish(ChangeListener listener, List<Change> changes) {
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            try {
                listener.onChange(c.namespace(), c.type(), c.key(), c.version());
            } catch (RuntimeException e) {
                LOG.warn("Change listener failed on {} {} {}", c.type(), c.namespace(), c.key(), e);
            }
        }
    }

    void reset() {
        changes.clear();
        afterCommit.clear();
    }
}
