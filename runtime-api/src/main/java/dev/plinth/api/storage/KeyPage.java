package dev.plinth.api.storage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of a key listing.
 *
 * @param keys the keys of this page in UTF-8 byte order; unmodifiable
 * @param nextCursor the key to pass to {@link KeyValueStore#keysAfter} for the next page, or
 *     {@code null} when this is the last page
 */
public record KeyPage(List<String> keys, @Nullable String nextCursor) {

    /**
     * @param keys the keys of the page
     * @param nextCursor the cursor, or {@code null}
     * @throws NullPointerException when {@code keys} is {@code null}
     */
    public KeyPage {
        keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    }

    /**
     * @return the cursor for the next page, or empty when this is the last page
     */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }

    /**
     * @return {@code true} when more keys may follow
     */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
