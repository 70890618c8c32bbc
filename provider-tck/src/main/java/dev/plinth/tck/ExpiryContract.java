package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage contract, concern "Expiry": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Expiry} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class ExpiryContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected ExpiryContract(StorageContractTck tck) {
        super(tck);
    }

    static Stream<Named<Duration>> invalidTtls() {
        return Stream.of(
                Named.of("zero", Duration.ZERO),
                Named.of("negative", Duration.ofMillis(-5)),
                Named.of("sub-millisecond", Duration.ofNanos(999_999)),
                Named.of("one nanosecond", Duration.ofNanos(1)),
                Named.of("one ms over MAX_DURATION", KeyValueStore.MAX_DURATION.plusMillis(1)),
                Named.of("Long.MAX_VALUE/4 ms", Duration.ofMillis(Long.MAX_VALUE / 4)),
                Named.of("Long.MAX_VALUE seconds", Duration.ofSeconds(Long.MAX_VALUE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTtls")
    @DisplayName(
            "KeyValueStore#Expiry: a zero, negative, sub-millisecond or over-MAX_DURATION TTL throws InvalidArgumentException naming 'ttl' on every method; nothing changes")
    void invalidTtlRejected(Duration ttl) {
        store().setString("k", "old");
        long v = store().getEntry("k").orElseThrow().version();
        List<Executable> calls = List.of(
                () -> store().set("k", bytes("new"), ttl),
                () -> store().set("n", bytes("new"), ttl),
                () -> store().setString("k", "new", ttl),
                () -> store().setObject("k", List.of(1), ttl),
                () -> store().setIfAbsent("n", bytes("new"), ttl),
                () -> store().compareAndSet("k", v, bytes("new"), ttl),
                () -> store().compareAndSet("n", KeyValueStore.ABSENT, bytes("new"), ttl),
                () -> store().setAll(Map.of("k", bytes("new"), "n", bytes("new")), ttl),
                () -> store().expire("k", ttl),
                () -> store().transaction().set("n", bytes("new"), ttl).commit());
        for (Executable call : calls) {
            assertThatThrownBy(call::execute)
                    .isInstanceOf(InvalidArgumentException.class)
                    .satisfies(t -> assertThat(((InvalidArgumentException) t).argument())
                            .isEqualTo("ttl"));
        }
        Entry e = store().getEntry("k").orElseThrow();
        assertThat(e.valueAsString()).isEqualTo("old");
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.expiresAt()).isEmpty();
        assertThat(store().exists("n")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#Expiry: TTLs have millisecond precision (not rounded to seconds)")
    void millisecondPrecision() {
        Duration ttl = LONG_TTL.plusMillis(500);
        Instant before = Instant.now();
        store().setString("k", "x", ttl);
        Instant after = Instant.now();
        store().setString("e", "x");
        store().expire("e", ttl);
        Instant afterExpire = Instant.now();
        // The bracket [before, after] absorbs any delay; a TTL rounded to whole seconds lands 500 ms outside.
        Duration tolerance = Duration.ofMillis(50);
        assertThat(store().getEntry("k").orElseThrow().expiresAt())
                .hasValueSatisfying(at -> assertThat(at)
                        .isAfterOrEqualTo(before.plus(ttl).minus(tolerance))
                        .isBeforeOrEqualTo(after.plus(ttl).plus(tolerance)));
        assertThat(store().getEntry("e").orElseThrow().expiresAt())
                .hasValueSatisfying(at -> assertThat(at)
                        .isAfterOrEqualTo(after.plus(ttl).minus(tolerance))
                        .isBeforeOrEqualTo(afterExpire.plus(ttl).plus(tolerance)));
        assertThat(store().ttl("k")).hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(ttl));
    }

    @Test
    @DisplayName("KeyValueStore#Expiry: a TTL of exactly MAX_DURATION is stored as given, on every write path")
    void maxDurationIsStoredExactly() {
        Duration max = KeyValueStore.MAX_DURATION;
        Instant before = Instant.now();
        store().setString("s", "x", max);
        store().setAll(Map.of("b", bytes("x")), max);
        store().transaction().set("t", bytes("x"), max).commit();
        store().setString("e", "x");
        store().expire("e", max);
        Instant after = Instant.now();
        Duration tolerance = Duration.ofSeconds(1);
        for (String k : List.of("s", "b", "t", "e")) {
            assertThat(store().getEntry(k).orElseThrow().expiresAt())
                    .as(k)
                    .hasValueSatisfying(at -> assertThat(at)
                            .isAfterOrEqualTo(before.plus(max).minus(tolerance))
                            .isBeforeOrEqualTo(after.plus(max).plus(tolerance)));
            assertThat(store().ttl(k))
                    .as(k)
                    .hasValueSatisfying(d -> assertThat(d)
                            .isGreaterThan(max.minus(Duration.ofMinutes(1)))
                            .isLessThanOrEqualTo(max));
        }
    }

    @Test
    @DisplayName("KeyValueStore#Expiry: one millisecond is a valid TTL")
    void oneMillisecondIsValid() {
        assertThat(store().setString("k", "x", Duration.ofMillis(1))).isPositive();
        Await.until("'k' to expire", () -> store().getEntry("k").isEmpty());
    }

    @Test
    @DisplayName("KeyValueStore#ttl: the time left for a key with a TTL; empty for a key without one or absent")
    void ttlReports() {
        store().setString("t", "x", LONG_TTL);
        store().setString("forever", "x");
        assertThat(store().ttl("t"))
                .hasValueSatisfying(d -> assertThat(d)
                        .isPositive()
                        .isLessThanOrEqualTo(LONG_TTL)
                        .isGreaterThan(LONG_TTL.minusMinutes(1)));
        assertThat(store().ttl("forever")).isEmpty();
        assertThat(store().ttl("absent")).isEmpty();
    }

    @Test
    @DisplayName("KeyValueStore#Expiry: a key with a short TTL becomes absent")
    void keyExpires() {
        store().setString("k", "x", SHORT_TTL);
        Await.until("'k' to expire", () -> store().get("k").isEmpty());
    }

    @Test
    @DisplayName(
            "KeyValueStore#Expiry: an expired key is invisible to get, getString, getObject, getEntry, exists, ttl and getAll")
    void expiredInvisibleToReads() {
        store().setString("live", "x");
        expireNow(store(), "gone", "1");
        assertThat(store().get("gone")).isEmpty();
        assertThat(store().getString("gone")).isEmpty();
        assertThat(store().getObject("gone", Integer.class)).isEmpty();
        assertThat(store().exists("gone")).isFalse();
        assertThat(store().ttl("gone")).isEmpty();
        assertThat(store().getAll(List.of("gone", "live")).keySet()).containsExactly("live");
    }

    @Test
    @DisplayName("KeyValueStore#Expiry: an expired key is invisible to keys(), keys(limit), keysAfter and count()")
    void expiredInvisibleToListing() {
        seed(store(), "a", "c");
        expireNow(store(), "b", "x");
        assertThat(store().keys("*")).containsExactly("a", "c");
        assertThat(store().keys("b")).isEmpty();
        assertThat(store().keys("*", 10).keys()).containsExactly("a", "c");
        assertThat(store().keysAfter("*", "a", 10).keys()).containsExactly("c");
        assertThat(store().count("*")).isEqualTo(2);
        assertThat(store().count("b")).isZero();
    }

    @Test
    @DisplayName(
            "KeyValueStore#Expiry: an expired key counts as absent for delete, deleteAll, deleteMatching, expire and persist")
    void expiredAbsentForWrites() {
        expireNow(store(), "g1", "x");
        assertThat(store().delete("g1")).isFalse();
        expireNow(store(), "g2", "x");
        assertThat(store().deleteAll(List.of("g2"))).isZero();
        expireNow(store(), "g3", "x");
        assertThat(store().deleteMatching("g*")).isZero();
        expireNow(store(), "g4", "x");
        assertThat(store().expire("g4", LONG_TTL)).isFalse();
        assertThat(store().persist("g4")).isFalse();
        assertThat(store().exists("g4")).isFalse();
    }

    @Test
    @DisplayName(
            "KeyValueStore#Expiry: preconditions treat an expired key as absent: CAS ABSENT, setIfAbsent, requireAbsent, increment from 0")
    void expiredAbsentForPreconditions() {
        expireNow(store(), "c1", "old");
        assertThat(store().compareAndSet("c1", KeyValueStore.ABSENT, bytes("new")))
                .isPresent();
        assertThat(store().getString("c1")).hasValue("new");
        expireNow(store(), "c2", "old");
        assertThat(store().setIfAbsent("c2", bytes("new"))).isTrue();
        expireNow(store(), "c3", "old");
        assertThat(store().transaction()
                        .requireAbsent("c3")
                        .setString("c3", "new")
                        .commit())
                .containsKey("c3");
        expireNow(store(), "c4", "41");
        assertThat(store().increment("c4", 1)).isEqualTo(1);
        assertThat(store().getEntry("c4").orElseThrow().expiresAt()).isEmpty();
    }

    @Test
    @DisplayName(
            "KeyValueStore#Expiry: a write without a TTL removes an earlier expiry (set, setString, setObject, setAll, transaction)")
    void writeWithoutTtlRemovesExpiry() {
        for (String k : List.of("a", "b", "c", "d", "e")) {
            store().setString(k, "x", LONG_TTL);
        }
        store().set("a", bytes("y"));
        store().setString("b", "y");
        store().setObject("c", List.of("y"));
        store().setAll(Map.of("d", bytes("y")));
        store().transaction().set("e", bytes("y")).commit();
        for (String k : List.of("a", "b", "c", "d", "e")) {
            assertThat(store().getEntry(k).orElseThrow().expiresAt()).as(k).isEmpty();
            assertThat(store().ttl(k)).as(k).isEmpty();
        }
    }

    @Test
    @DisplayName("KeyValueStore#Expiry: a key rewritten without a TTL outlives its earlier short TTL")
    void rewrittenKeySurvives() {
        store().setString("k", "1", SHORT_TTL);
        store().setString("k", "2");
        expireNow(store(), "sentinel", "x");
        Await.sleep(SHORT_TTL.toMillis());
        assertThat(store().getString("k")).hasValue("2");
    }

    @Test
    @DisplayName("KeyValueStore#Expiry: a write with a TTL replaces no expiry with one")
    void writeWithTtlSetsExpiry() {
        store().setString("k", "x");
        store().setString("k", "y", LONG_TTL);
        assertThat(store().getEntry("k").orElseThrow().expiresAt()).isPresent();
        assertThat(store().ttl("k")).isPresent();
    }

    @Test
    @DisplayName("KeyValueStore#increment: the key's expiry is kept")
    void incrementKeepsExpiry() {
        store().setString("n", "5", LONG_TTL);
        Instant before = store().getEntry("n").orElseThrow().expiresAt().orElseThrow();
        assertThat(store().increment("n", 1)).isEqualTo(6);
        Instant after = store().getEntry("n").orElseThrow().expiresAt().orElseThrow();
        assertThat(after.toEpochMilli()).isCloseTo(before.toEpochMilli(), within(2_000L));
    }

    @Test
    @DisplayName("KeyValueStore#increment: a counter with a short TTL still expires after increments")
    void incrementedCounterExpires() {
        store().increment("window", 1);
        assertThat(store().expire("window", SHORT_TTL)).isTrue();
        store().increment("window", 1);
        // One read per poll: the key may expire between two reads.
        Await.until(
                "the counter to expire",
                () -> store().getEntry("window")
                        .map(e -> e.expiresAt().isEmpty())
                        .orElse(true));
        // If the increment came after expiry, it re-created the key without a TTL: both are allowed
        // outcomes; a kept expiry must lead to absence.
        store().getEntry("window").ifPresent(e -> assertThat(e.valueAsString()).isEqualTo("1"));
    }

    @Test
    @DisplayName(
            "KeyValueStore#expire: sets an expiry on a present key, keeping value and version; false for an absent key")
    void expireSetsExpiry() {
        long v = store().setString("k", "x");
        assertThat(store().expire("k", LONG_TTL)).isTrue();
        Entry e = store().getEntry("k").orElseThrow();
        assertThat(e.expiresAt()).isPresent();
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.valueAsString()).isEqualTo("x");
        assertThat(store().expire("absent", LONG_TTL)).isFalse();
        assertThat(store().exists("absent")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#expire: a key given a short expiry becomes absent")
    void expireMakesKeyDisappear() {
        store().setString("k", "x");
        assertThat(store().expire("k", SHORT_TTL)).isTrue();
        Await.until("'k' to expire", () -> store().getEntry("k").isEmpty());
        assertThat(store().keys("*")).isEmpty();
    }

    @Test
    @DisplayName(
            "KeyValueStore#persist: removes an expiry keeping value and version; true for a present key, false for absent")
    void persistRemovesExpiry() {
        long v = store().setString("k", "x", LONG_TTL);
        assertThat(store().persist("k")).isTrue();
        Entry e = store().getEntry("k").orElseThrow();
        assertThat(e.expiresAt()).isEmpty();
        assertThat(e.version()).isEqualTo(v);
        assertThat(store().ttl("k")).isEmpty();
        assertThat(store().persist("k")).isTrue();
        assertThat(store().persist("absent")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#setAll(ttl): every value of the batch expires")
    void setAllWithTtl() {
        store().setAll(Map.of("a", bytes("1"), "b", bytes("2")), SHORT_TTL);
        Await.until("the batch to expire", () -> store().count("*") == 0);
        assertThat(store().getAll(List.of("a", "b"))).isEmpty();
    }

    @Test
    @DisplayName(
            "KeyValueStore#Expiry: background reclaiming never removes a key whose expiry was removed or that was re-created, and reports no EXPIRE for it")
    void reclaimSparesRewrittenKeys() {
        KeyValueStore s = openEngine(fastSweep()).store(PLUGIN);
        EventRecorder events = new EventRecorder();
        try (Subscription sub = s.watch("*", events)) {
            s.setString("rewritten", "1", SHORT_TTL);
            long rewritten = s.setString("rewritten", "2");
            s.setString("persisted", "1", SHORT_TTL);
            boolean persisted = s.persist("persisted");
            expireNow(s, "recreated", "1");
            long recreated = s.setString("recreated", "2");
            s.setString("shortened", "1", LONG_TTL);
            assertThat(s.expire("shortened", SHORT_TTL)).isTrue();
            // Reclaiming is in the background: once a key set after all the others has been reclaimed and
            // reported, the sweeper has passed every earlier expiry.
            s.setString("sentinel", "x", SHORT_TTL);
            events.await(
                    "EXPIRE of the sentinel",
                    e -> e.type() == ChangeType.EXPIRE
                            && e.key().filter("sentinel"::equals).isPresent());
            events.await(
                    "EXPIRE of the key given a short expiry with expire()",
                    e -> e.type() == ChangeType.EXPIRE
                            && e.key().filter("shortened"::equals).isPresent());
            assertThat(s.getString("rewritten")).hasValue("2");
            assertThat(s.getString("recreated")).hasValue("2");
            assertThat(s.exists("shortened")).isFalse();
            // Per-key order: nothing may follow the last SET of a key that no longer expires.
            assertThat(eventsAfterSet(events, "rewritten", rewritten)).isEmpty();
            assertThat(eventsAfterSet(events, "recreated", recreated)).isEmpty();
            if (persisted) {
                assertThat(s.getString("persisted")).hasValue("1");
                assertThat(events.eventsFor("persisted")).noneMatch(e -> e.type() == ChangeType.EXPIRE);
            }
        }
    }

    private List<ChangeEvent> eventsAfterSet(EventRecorder events, String key, long version) {
        List<ChangeEvent> forKey = events.eventsFor(key);
        int at = -1;
        for (int i = 0; i < forKey.size(); i++) {
            if (forKey.get(i).version().orElse(0) == version) {
                at = i;
            }
        }
        assertThat(at).as("SET of %s v%d delivered", key, version).isNotNegative();
        return forKey.subList(at + 1, forKey.size());
    }

    @Test
    @DisplayName("KeyValueStore#setAll(ttl): every value of the batch carries the expiry")
    void setAllWithLongTtl() {
        store().setAll(Map.of("a", bytes("1"), "b", bytes("2")), LONG_TTL);
        assertThat(store().getEntry("a").orElseThrow().expiresAt()).isPresent();
        assertThat(store().getEntry("b").orElseThrow().expiresAt()).isPresent();
    }
}
