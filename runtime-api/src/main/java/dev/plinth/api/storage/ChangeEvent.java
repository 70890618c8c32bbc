package dev.plinth.api.storage;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * One change observed by a {@link KeyValueStore#watch watch} subscription. Immutable. Carries no value:
 * read the key if you need it (it may have changed again since).
 */
public final class ChangeEvent {
    /**
     * {@link #droppedEvents()} of an {@link ChangeType#OVERFLOW} whose count nobody knows: the provider's
     * feed of changes from other processes was cut or fell behind (for example Redis restarted).
     */
    public static final long DROPPED_UNKNOWN = -1;

    private final ChangeType type;
    private final String namespace;
    private final @Nullable String key;
    private final long version;
    private final long droppedEvents;

    /**
     * @param type what happened
     * @param namespace the namespace it happened in
     * @param key the key, or {@code null} for {@link ChangeType#CLEAR} and {@link ChangeType#OVERFLOW}
     * @param version the new version for {@link ChangeType#SET}, otherwise 0
     * @param droppedEvents for {@link ChangeType#OVERFLOW}, how many events were dropped, or
     *     {@link #DROPPED_UNKNOWN}; otherwise 0
     */
    public ChangeEvent(ChangeType type, String namespace, @Nullable String key, long version, long droppedEvents) {
        this.type = Objects.requireNonNull(type, "type");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.key = key;
        this.version = version;
        this.droppedEvents = droppedEvents;
    }

    /** @return what happened */
    public ChangeType type() {
        return type;
    }

    /** @return the namespace the change happened in */
    public String namespace() {
        return namespace;
    }

    /** @return the key changed; empty for {@link ChangeType#CLEAR} and {@link ChangeType#OVERFLOW} */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /** @return the key's new version for {@link ChangeType#SET}; otherwise empty */
    public OptionalLong version() {
        return type == ChangeType.SET && version > 0 ? OptionalLong.of(version) : OptionalLong.empty();
    }

    /**
     * @return for {@link ChangeType#OVERFLOW}, how many events were dropped, or {@link #DROPPED_UNKNOWN}
     *     when the provider lost track of changes; otherwise 0
     */
    public long droppedEvents() {
        return droppedEvents;
    }

    @Override
    public String toString() {
        return "ChangeEvent[" + type + " " + namespace + (key == null ? "" : " '" + key + "'")
                + (version > 0 ? " v" + version : "") + (droppedEvents > 0 ? " dropped=" + droppedEvents : "")
                + (droppedEvents == DROPPED_UNKNOWN ? " dropped=unknown" : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ChangeEvent)) {
            return false;
        }
        ChangeEvent e = (ChangeEvent) o;
        return type == e.type
                && version == e.version
                && droppedEvents == e.droppedEvents
                && namespace.equals(e.namespace)
                && Objects.equals(key, e.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, namespace, key, version, droppedEvents);
    }
}
