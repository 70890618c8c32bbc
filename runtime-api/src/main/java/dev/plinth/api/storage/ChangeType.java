package dev.plinth.api.storage;

/** What kind of change a {@link ChangeEvent} reports. */
public enum ChangeType {
    /** A key was written (set, compare-and-set, increment, transaction write, batch write). */
    SET,
    /** A key was deleted (delete, batch delete, pattern delete, transaction delete). */
    DELETE,
    /** A key's expiry passed and the provider reclaimed it. */
    EXPIRE,
    /** The whole namespace was cleared; {@link ChangeEvent#key()} is empty. */
    CLEAR,
    /**
     * The subscription's buffer overflowed and events were dropped; {@link ChangeEvent#key()} is empty
     * and {@link ChangeEvent#droppedEvents()} says how many. Also sent when the provider's feed of changes
     * was cut or fell behind and changes may have gone unreported ({@link ChangeEvent#DROPPED_UNKNOWN});
     * delivered after the events before the gap and before those after it. Re-read the state you track.
     */
    OVERFLOW
}
