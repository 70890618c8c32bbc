package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.sql.SQLException;

/**
 * Numbers a backend's changes (a SET's number is the key's new version) and, when the file is shared,
 * carries them to the other processes. Two implementations: {@link SharedChangeLog} logs every change in
 * {@code plinth_changes} for other processes and reports theirs; {@link LocalSequence}
 * ({@code exclusive=true}) counts in memory and only reserves blocks of numbers in the database.
 *
 * <p>Numbers are larger than any handed out before on the file, in any process or mode, so versions grow
 * across deletes and restarts. Used only by the writer, under its lock: not thread-safe.
 */
interface ChangeLog {
    /** Before the first write, on the writer connection outside any transaction. */
    void start(SqlConnection c) throws SQLException;

    /**
     * In a write transaction: numbers (and for a shared file, logs) one change.
     *
     * @return its number
     */
    long append(SqlConnection c, Namespace ns, ChangeType type, String key, long now) throws SQLException;

    /**
     * In a write transaction: numbers several changes in one namespace, in order.
     *
     * @return the first one's number; change {@code i} has that number plus {@code i}
     */
    long appendAll(SqlConnection c, Namespace ns, ChangeType[] types, String[] keys, long now) throws SQLException;

    /**
     * In a write transaction: changes the type of this transaction's change number {@code seq}, keeping its
     * number (a SET that turned out to replace an expired row becomes that row's EXPIRE).
     */
    void retype(SqlConnection c, long seq, ChangeType type) throws SQLException;

    /**
     * @return {@code true} when other processes read the order of changes from the log, so a change must
     *     be logged in the order it happens; {@code false} when only this backend sees the order
     */
    boolean sharedWithOtherProcesses();

    /** In a write transaction, before COMMIT; {@code firstOwn} is its first change's number. */
    void beforeCommit(SqlConnection c, long firstOwn) throws SQLException;

    /** After COMMIT: reports other processes' changes committed before it. */
    void publishForeign(ChangeListener listener);

    /** After COMMIT and reporting; {@code lastOwn} is the transaction's last change's number. */
    void committed(long lastOwn);

    /** The write transaction rolled back: forgets what it numbered or read. */
    void abort();

    /** Outside any transaction, under the writer lock: reports other processes' new changes. */
    void poll(SqlConnection c, ChangeListener listener) throws SQLException;
}
