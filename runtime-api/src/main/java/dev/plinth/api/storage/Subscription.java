package dev.plinth.api.storage;

/**
 * A live {@link KeyValueStore#watch watch}. Thread-safe. Closing it stops delivery (an event being
 * delivered finishes), discards buffered events and frees every resource it held; closing twice is a
 * no-op.
 */
public interface Subscription extends AutoCloseable {

    /** @return the pattern watched */
    String pattern();

    /** @return {@code true} until closed (or until the runtime closes) */
    boolean isActive();

    /** @return how many events were dropped because the buffer was full, since the subscription began */
    long droppedEvents();

    /** Stops delivery and frees resources. Never throws. */
    @Override
    void close();
}
