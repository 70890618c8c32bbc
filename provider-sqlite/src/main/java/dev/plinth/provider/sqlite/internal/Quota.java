package dev.plinth.provider.sqlite.internal;

import dev.plinth.api.storage.QuotaExceededException;
import java.sql.SQLException;

/**
 * The most live keys per scope ({@code maxKeys}), chosen once at open: {@link #NONE}, which costs nothing,
 * or a limit counted inside the write transaction, so that every process sharing the file sees the same
 * count ({@link dev.plinth.spi.storage.NativeQuotas}).
 */
interface Quota {
    /** No limit. */
    Quota NONE = (tx, ns) -> Tally.NONE;

    /**
     * @param maxKeys the option's value; 0 means unlimited
     * @return the quota
     */
    static Quota of(long maxKeys) {
        return maxKeys == 0 ? NONE : (tx, ns) -> new Counted(tx, ns, maxKeys);
    }

    /**
     * @param tx the write transaction
     * @param ns the scope's path
     * @return a count of one operation's new keys in {@code ns}, good for that transaction only
     */
    Tally tally(WriteTx tx, String ns);

    /** The live keys of a scope as one operation changes them. Touched only under the writer lock. */
    interface Tally {
        /** Counts nothing. */
        Tally NONE = new Tally() {
            @Override
            public void adding(String key) {}

            @Override
            public void removed() {}
        };

        /**
         * A key that was absent or expired is about to be written.
         *
         * @throws QuotaExceededException naming the key when the scope is full; the caller's transaction
         *     then rolls back
         */
        void adding(String key) throws SQLException;

        /** A live key was deleted. */
        void removed();
    }

    /** Counts the scope's live keys once, at the first new key, then follows the operation's own writes. */
    final class Counted implements Tally {
        private final WriteTx tx;
        private final String ns;
        private final long maxKeys;
        private long live = -1;

        Counted(WriteTx tx, String ns, long maxKeys) {
            this.tx = tx;
            this.ns = ns;
            this.maxKeys = maxKeys;
        }

        @Override
        public void adding(String key) throws SQLException {
            if (live < 0) {
                live = KvTable.countLiveUpTo(tx.connection(), ns, tx.now(), maxKeys);
            }
            if (live >= maxKeys) {
                throw new QuotaExceededException(ns, key, maxKeys);
            }
            live++;
        }

        @Override
        public void removed() {
            if (live >= 0) {
                live--;
            }
        }
    }
}
