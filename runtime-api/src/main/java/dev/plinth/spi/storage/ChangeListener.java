package dev.plinth.spi.storage;

import dev.plinth.api.storage.ChangeType;
import org.jspecify.annotations.Nullable;

/**
 * Where a backend reports committed changes. The runtime implements it and fans events out to
 * subscriptions; it only enqueues and never blocks or throws.
 *
 * <p>A backend calls it after a change is committed (never for a write that failed), for changes to the
 * same key in commit order, and at most once per change. A backend with a change feed that crosses
 * processes reports other processes' changes here too.
 */
@FunctionalInterface
public interface ChangeListener {

    /** A listener that ignores everything, for backends opened outside a runtime. */
    ChangeListener NONE = (namespace, type, key, version) -> {};

    /**
     * @param namespace the namespace changed
     * @param type what happened ({@link ChangeType#OVERFLOW} is never reported by a backend)
     * @param key the key, or {@code null} for {@link ChangeType#CLEAR}
     * @param version the new version for {@link ChangeType#SET}, otherwise 0
     */
    void onChange(Namespace namespace, ChangeType type, @Nullable String key, long version);

    /**
     * Says that changes may have gone unreported, in any namespace: the backend's feed of changes was cut
     * (a lost subscription) or fell behind what its store keeps (a trimmed log). The runtime then gives every
     * watch an {@link ChangeType#OVERFLOW} event with {@link dev.plinth.api.storage.ChangeEvent#DROPPED_UNKNOWN},
     * telling it to re-read what it tracks.
     *
     * <p>A backend calls this once per such gap, when its feed works again and before it reports the
     * changes that follow the gap, so a watcher that re-reads on the signal misses nothing after it. Called
     * from the backend's feed thread; like {@link #onChange}, it must not block or throw. The default does
     * nothing, for listeners with nothing to invalidate.
     *
     * @param cause what happened, for the log (never a secret); not {@code null}
     */
    default void onChangesMissed(String cause) {}
}
