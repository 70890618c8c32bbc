package dev.plinth.provider.sqlite.internal;

import java.sql.SQLException;

/**
 * One operation queued for the {@link Writer} and, once done, its outcome. The leader of a group writes
 * {@code result} and {@code failure} under the writer lock before the volatile {@code done}, which
 * publishes them to the waiting owner.
 *
 * @param <T> the operation's result
 */
final class WriteRequest<T> {
    final String action;
    /** The operation as one statement outside a transaction, or {@code null} (see {@link Writer#write}). */
    final Writer.Work<T> oneStatement;

    final Writer.Work<T> work;
    final Thread owner = Thread.currentThread();
    T result;
    Throwable failure;
    volatile boolean done;

    WriteRequest(String action, Writer.Work<T> oneStatement, Writer.Work<T> work) {
        this.action = action;
        this.oneStatement = oneStatement;
        this.work = work;
    }

    void run(WriteTx tx) throws SQLException {
        result = work.run(tx);
    }

    /** @return {@code true} when the one statement did the work */
    boolean runOneStatement(WriteTx tx) throws SQLException {
        result = oneStatement.run(tx);
        return result != null;
    }

    /** @return the result, or throws the operation's failure in the owner's thread */
    T outcome() {
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
        if (failure instanceof Error) {
            throw (Error) failure;
        }
        return result;
    }
}
