package dev.plinth.provider.jsonfile.internal;

import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.spi.storage.Namespace;
import java.util.Map;

/**
 * The {@code maxKeys} rule, chosen once at open: {@link #UNLIMITED} costs nothing per write, a limit counts
 * only when it matters. Called by writers under the write lock, before anything is journaled, so a refused
 * write changes nothing.
 */
interface Quota {

    /** {@code maxKeys = 0}: every write is admitted. */
    Quota UNLIMITED = new Quota() {
        @Override
        public void admitNew(Namespace ns, String key, long now) {}

        @Override
        public void admit(Namespace ns, Map<String, Item> after, long now) {}
    };

    /**
     * @param maxKeys the option's value, 0 for unlimited
     * @param space the keys counted
     * @return the rule
     */
    static Quota of(long maxKeys, KeySpace space) {
        return maxKeys > 0 ? new Limited(maxKeys, space) : UNLIMITED;
    }

    /**
     * Admits one key that is not live yet.
     *
     * @throws QuotaExceededException when the namespace is full
     */
    void admitNew(Namespace ns, String key, long now);

    /**
     * Admits a commit by the state it leaves.
     *
     * @param after each key the commit writes, in first-written order, mapped to its live item afterwards
     *     ({@code null}: absent)
     * @throws QuotaExceededException naming the first new key, when the commit adds keys to a full namespace
     */
    void admit(Namespace ns, Map<String, Item> after, long now);

    /** At most {@code maxKeys} live keys per namespace. */
    final class Limited implements Quota {
        private final long maxKeys;
        private final KeySpace space;

        Limited(long maxKeys, KeySpace space) {
            this.maxKeys = maxKeys;
            this.space = space;
        }

        @Override
        public void admitNew(Namespace ns, String key, long now) {
            check(ns, key, 1, now);
        }

        @Override
        public void admit(Namespace ns, Map<String, Item> after, long now) {
            long added = 0;
            String firstNew = null;
            for (Map.Entry<String, Item> e : after.entrySet()) {
                boolean wasLive = space.current(ns, e.getKey(), now) != null;
                boolean isLive = e.getValue() != null;
                if (isLive && !wasLive) {
                    added++;
                    if (firstNew == null) {
                        firstNew = e.getKey();
                    }
                } else if (!isLive && wasLive) {
                    added--;
                }
            }
            if (added > 0) {
                check(ns, firstNew, added, now);
            }
        }

        /** Counts exactly only when the stored entries, expired ones included, say it may be full. */
        private void check(Namespace ns, String firstNewKey, long added, long now) {
            NamespaceIndex index = space.index(ns);
            if (index == null || index.stored + added <= maxKeys) {
                return;
            }
            if (index.countLive(now) + added > maxKeys) {
                throw new QuotaExceededException(ns.path(), firstNewKey, maxKeys);
            }
        }
    }
}
