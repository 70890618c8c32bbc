package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.KeyValueStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, concern "VersionsAndCas": run for each provider by {@link StorageContractTck}, whose
 * nested {@code VersionsAndCas} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class VersionsAndCasContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected VersionsAndCasContract(StorageContractTck tck) {
        super(tck);
    }

    private long version(String key) {
        return store().getEntry(key).orElseThrow().version();
    }

    @Test
    @DisplayName("KeyValueStore#Versions: every kind of write gives a positive version larger than any before")
    void everyWriteIncreases() {
        List<Long> seen = new ArrayList<>();
        seen.add(store().setString("k", "1"));
        seen.add(store().set("k", bytes("2"), LONG_TTL));
        seen.add(store().setObject("k", List.of(3)));
        store().setString("k", "3");
        seen.add(version("k"));
        store().increment("k", 1);
        seen.add(version("k"));
        seen.add(store().compareAndSet("k", version("k"), bytes("5")).orElseThrow());
        seen.add(store().transaction().setString("k", "6").commit().get("k"));
        store().setAll(Map.of("k", bytes("7")));
        seen.add(version("k"));
        store().setIfAbsent("other", bytes("x"));
        assertThat(seen).allMatch(v -> v > 0);
        assertThat(seen).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("KeyValueStore#Versions: a key deleted and re-created gets a larger version")
    void deleteAndRecreate() {
        long v1 = store().setString("k", "1");
        store().delete("k");
        long v2 = store().setString("k", "2");
        store().deleteAll(List.of("k"));
        long v3 = store().setString("k", "3");
        store().deleteMatching("k");
        long v4 = store().setString("k", "4");
        store().transaction().delete("k").commit();
        long v5 = store().setString("k", "5");
        store().clear();
        long v6 = store().setString("k", "6");
        assertThat(List.of(v1, v2, v3, v4, v5, v6))
                .isSortedAccordingTo(Long::compare)
                .doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("KeyValueStore#Versions: a key that expired and is re-created gets a larger version")
    void expireAndRecreate() {
        long v1 = store().setString("k", "1", SHORT_TTL);
        Await.until("'k' to expire", () -> store().getEntry("k").isEmpty());
        long v2 = store().setString("k", "2");
        assertThat(v2).isGreaterThan(v1);
    }

    @Test
    @DisplayName("KeyValueStore#Versions: expire and persist keep the version")
    void expiryChangesKeepVersion() {
        long v = store().setString("k", "x");
        assertThat(store().expire("k", LONG_TTL)).isTrue();
        assertThat(version("k")).isEqualTo(v);
        assertThat(store().persist("k")).isTrue();
        assertThat(version("k")).isEqualTo(v);
        assertThat(store().getString("k")).hasValue("x");
    }

    @Test
    @DisplayName(
            "KeyValueStore#Versions: a write that does not happen (failed CAS, setIfAbsent on a present key) keeps the version")
    void failedWritesKeepVersion() {
        long v = store().setString("k", "x");
        assertThat(store().compareAndSet("k", v + 1000, bytes("y"))).isEmpty();
        assertThat(store().setIfAbsent("k", bytes("z"))).isFalse();
        assertThat(version("k")).isEqualTo(v);
    }

    @Test
    @DisplayName("KeyValueStore#compareAndSet: with the current version it stores and returns the new version")
    void casSucceeds() {
        long v1 = store().setString("k", "1");
        OptionalLong v2 = store().compareAndSet("k", v1, bytes("2"));
        assertThat(v2).isPresent();
        assertThat(v2.getAsLong()).isGreaterThan(v1);
        assertThat(version("k")).isEqualTo(v2.getAsLong());
        assertThat(store().getString("k")).hasValue("2");
    }

    @Test
    @DisplayName("KeyValueStore#compareAndSet: with a stale version it returns empty and changes nothing")
    void casStale() {
        long v1 = store().setString("k", "1");
        long v2 = store().setString("k", "2");
        assertThat(store().compareAndSet("k", v1, bytes("3"))).isEmpty();
        assertThat(store().compareAndSet("k", v1, bytes("3"), LONG_TTL)).isEmpty();
        assertThat(store().getString("k")).hasValue("2");
        assertThat(version("k")).isEqualTo(v2);
        assertThat(store().getEntry("k").orElseThrow().expiresAt()).isEmpty();
    }

    @Test
    @DisplayName("KeyValueStore#compareAndSet: ABSENT stores an absent key and refuses a present one")
    void casAbsent() {
        assertThat(store().compareAndSet("k", KeyValueStore.ABSENT, bytes("1"))).isPresent();
        assertThat(store().compareAndSet("k", KeyValueStore.ABSENT, bytes("2"))).isEmpty();
        assertThat(store().getString("k")).hasValue("1");
    }

    @Test
    @DisplayName("KeyValueStore#compareAndSet: a version on an absent or deleted key returns empty and stores nothing")
    void casVersionOnAbsent() {
        long v = store().setString("k", "1");
        store().delete("k");
        assertThat(store().compareAndSet("k", v, bytes("2"))).isEmpty();
        assertThat(store().compareAndSet("never", 1, bytes("2"))).isEmpty();
        assertThat(store().exists("k")).isFalse();
        assertThat(store().exists("never")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#compareAndSet: the stored value never expires; with a TTL it expires")
    void casExpiry() {
        long v = store().setString("k", "1", LONG_TTL);
        long v2 = store().compareAndSet("k", v, bytes("2")).orElseThrow();
        assertThat(store().getEntry("k").orElseThrow().expiresAt()).isEmpty();
        store().compareAndSet("k", v2, bytes("3"), LONG_TTL).orElseThrow();
        assertThat(store().getEntry("k").orElseThrow().expiresAt()).isPresent();
    }

    @Test
    @DisplayName("KeyValueStore#getEntry: returns key, value, version and expiry in one read")
    void getEntryMetadata() {
        Instant before = Instant.now();
        long v = store().setString("k", "x", LONG_TTL);
        Instant after = Instant.now();
        Entry e = store().getEntry("k").orElseThrow();
        assertThat(e.key()).isEqualTo("k");
        assertThat(e.valueAsString()).isEqualTo("x");
        assertThat(e.version()).isEqualTo(v);
        // Generous slack for clock granularity: this checks the TTL's meaning, not speed.
        assertThat(e.expiresAt())
                .hasValueSatisfying(at -> assertThat(at)
                        .isAfter(before.plus(LONG_TTL).minusSeconds(5))
                        .isBefore(after.plus(LONG_TTL).plusSeconds(5)));
    }
}
