package dev.plinth.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.ChangeType;
import dev.plinth.core.config.CacheSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The near cache layer over a map backend that counts the reads reaching it: what is served from memory,
 * and that nothing stale is, whatever order loads, writes and change reports come in.
 */
class NearCacheTest {
    private static final Namespace NS = Namespace.of("p");

    private final MapBackendOps backend = new MapBackendOps();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private final List<String> downstream = new ArrayList<>();
    private final ChangeListener hub = new ChangeListener() {
        @Override
        public void onChange(Namespace namespace, ChangeType type, String key, long version) {
            downstream.add(type + " " + key);
        }

        @Override
        public void onChangesMissed(String cause) {
            downstream.add("MISSED");
        }
    };

    private NearCache near = new NearCache(StorageLayers.cache(CacheSettings.enabledDefaults()), clock, hub);
    private CachingBackendOps ops = new CachingBackendOps(backend, near);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String value(String key) {
        BackendEntry e = ops.get(NS, key);
        return e == null ? null : new String(e.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aHotKeyIsReadFromTheBackendOnce() {
        backend.writeBehind(NS, "k", b("v"));
        for (int i = 0; i < 100; i++) {
            assertThat(value("k")).isEqualTo("v");
        }
        assertThat(backend.gets).hasValue(1);
        assertThat(near.stats().hits()).isEqualTo(99);
        assertThat(near.stats().misses()).isEqualTo(1);
    }

    @Test
    void aReadAfterAWriteSeesTheWrite() {
        ops.set(NS, "k", b("1"), StorageBackend.NO_EXPIRY);
        assertThat(value("k")).isEqualTo("1");
        ops.set(NS, "k", b("2"), StorageBackend.NO_EXPIRY);
        assertThat(value("k")).isEqualTo("2");
        ops.compareAndSet(NS, "k", backend.versions.get(), b("3"), StorageBackend.NO_EXPIRY);
        assertThat(value("k")).isEqualTo("3");
        ops.increment(NS, "n", 5);
        assertThat(value("n")).isEqualTo("5");
        ops.increment(NS, "n", 5);
        assertThat(value("n")).isEqualTo("10");
        ops.commit(NS, new Commit(List.of(), List.of(new Write.Put("k", b("4"), StorageBackend.NO_EXPIRY))));
        assertThat(value("k")).isEqualTo("4");
        ops.delete(NS, "k");
        assertThat(value("k")).isNull();
    }

    @Test
    void anotherProcessesWriteIsForgottenWhenTheFeedReportsIt() {
        backend.writeBehind(NS, "k", b("old"));
        assertThat(value("k")).isEqualTo("old");
        long v = backend.writeBehind(NS, "k", b("new"));
        assertThat(value("k"))
                .as("not yet reported: the cache may serve the old value")
                .isEqualTo("old");

        near.onChange(NS, ChangeType.SET, "k", v);

        assertThat(value("k")).isEqualTo("new");
        assertThat(downstream).as("the hub still hears every change").containsExactly("SET k");
    }

    @Test
    void aFeedGapDropsEverything() {
        Namespace other = Namespace.of("q");
        backend.writeBehind(NS, "a", b("1"));
        backend.writeBehind(other, "b", b("1"));
        value("a");
        ops.get(other, "b");
        backend.writeBehind(NS, "a", b("2"));
        backend.writeBehind(other, "b", b("2"));

        near.onChangesMissed("test");

        assertThat(value("a")).isEqualTo("2");
        assertThat(new String(ops.get(other, "b").value(), StandardCharsets.UTF_8))
                .isEqualTo("2");
        assertThat(downstream).containsExactly("MISSED");
        assertThat(near.stats().scopeDrops()).isEqualTo(1);
    }

    @Test
    void aClearReportDropsTheNamespaceAndItsNestedOnes() {
        Namespace nested = NS.child("items");
        backend.writeBehind(NS, "a", b("1"));
        backend.writeBehind(nested, "b", b("1"));
        value("a");
        ops.get(nested, "b");
        assertThat(near.cachedKeys(nested)).containsExactly("b");

        near.onChange(NS, ChangeType.CLEAR, null, 0);

        assertThat(near.cachedKeys(NS)).isEmpty();
        assertThat(near.cachedKeys(nested)).isEmpty();
    }

    @Test
    void aLoadRacingAReportedChangeDoesNotKeepTheOlderValue() {
        backend.writeBehind(NS, "k", b("old"));
        // The load reads "old"; before it returns, another process writes and the feed reports it.
        backend.duringGet = () -> {
            backend.duringGet = () -> {};
            long v = backend.writeBehind(NS, "k", b("new"));
            near.onChange(NS, ChangeType.SET, "k", v);
        };
        assertThat(value("k")).as("this load may return what it read").isEqualTo("old");
        assertThat(near.cachedKeys(NS)).as("but it must not keep it").isEmpty();
        assertThat(value("k")).isEqualTo("new");
    }

    @Test
    void aLoadRacingAFeedGapDoesNotKeepItsValue() {
        backend.writeBehind(NS, "k", b("old"));
        backend.duringGet = () -> {
            backend.duringGet = () -> {};
            backend.writeBehind(NS, "k", b("new"));
            near.onChangesMissed("test");
        };
        value("k");
        assertThat(value("k")).isEqualTo("new");
    }

    @Test
    void anExpiredEntryIsNeverServed() {
        backend.setExpiringAt(NS, "k", b("v"), now.get() + 100);
        assertThat(value("k")).isEqualTo("v");
        now.addAndGet(99);
        assertThat(value("k")).isEqualTo("v");
        assertThat(backend.gets).hasValue(1);
        now.addAndGet(1);
        // The backend (a map) still holds it; a real one would not. The cache must ask, not answer.
        value("k");
        assertThat(backend.gets)
                .as("the expired entry went back to the backend")
                .hasValue(2);
    }

    @Test
    void missesAreRememberedUntilTheKeyIsWritten() {
        for (int i = 0; i < 10; i++) {
            assertThat(value("missing")).isNull();
            assertThat(ops.exists(NS, "missing")).isFalse();
        }
        assertThat(backend.gets).hasValue(1);
        assertThat(backend.existsCalls).hasValue(0);
        long v = backend.writeBehind(NS, "missing", b("now"));
        near.onChange(NS, ChangeType.SET, "missing", v);
        assertThat(value("missing")).isEqualTo("now");
    }

    @Test
    void negativeCachingCanBeSwitchedOff() {
        near = new NearCache(
                StorageLayers.cache(new CacheSettings(true, 100, 0, Duration.ofMinutes(1), false)), clock, hub);
        ops = new CachingBackendOps(backend, near);
        value("missing");
        value("missing");
        assertThat(backend.gets).hasValue(2);
    }

    @Test
    void theEntryBoundHoldsPositiveAndNegativeEntriesTogether() {
        near = new NearCache(StorageLayers.cache(CacheSettings.enabledDefaults().withMaxEntries(50)), clock, hub);
        ops = new CachingBackendOps(backend, near);
        for (int i = 0; i < 1000; i++) {
            if (i % 2 == 0) {
                backend.writeBehind(NS, "k" + i, b("v"));
            }
            ops.get(NS, "k" + i);
        }
        near.cleanUp();
        assertThat(near.stats().size()).isLessThanOrEqualTo(50);
        assertThat(near.stats().evictions()).isGreaterThanOrEqualTo(950);
    }

    @Test
    void theByteBoundWeighsValues() {
        near = new NearCache(StorageLayers.cache(CacheSettings.enabledDefaults().withMaxBytes(10_000)), clock, hub);
        ops = new CachingBackendOps(backend, near);
        for (int i = 0; i < 100; i++) {
            backend.writeBehind(NS, "k" + i, new byte[1000]);
            ops.get(NS, "k" + i);
        }
        near.cleanUp();
        assertThat(near.stats().size()).isLessThanOrEqualTo(10);
    }

    @Test
    void aPluginCanSwitchItsCacheOffWhileOthersKeepTheirs() {
        StorageLayers layers = new StorageLayers(
                CacheSettings.enabledDefaults(),
                Map.of("plain", CacheSettings.disabled()),
                dev.plinth.core.config.CodecSettings.none(),
                Map.of());
        near = new NearCache(layers, clock, hub);
        ops = new CachingBackendOps(backend, near);
        Namespace plain = Namespace.of("plain");
        backend.writeBehind(plain, "k", b("v"));
        backend.writeBehind(NS, "k", b("v"));
        for (int i = 0; i < 5; i++) {
            ops.get(plain, "k");
            ops.get(NS, "k");
        }
        assertThat(backend.gets)
                .as("5 reads of the uncached plugin, 1 of the cached one")
                .hasValue(6);
    }

    @Test
    void aPatternDeleteForgetsTheMatchingKeysOnly() {
        backend.writeBehind(NS, "user:1", b("a"));
        backend.writeBehind(NS, "other", b("b"));
        value("user:1");
        value("other");
        ops.deleteMatching(NS, GlobPattern.compile("user:*"));
        assertThat(near.cachedKeys(NS)).containsExactly("other");
        assertThat(value("user:1")).isNull();
    }

    @Test
    void theFeedIsKeptRunningWhateverTheHubSays() {
        ops.setWatched(false);
        assertThat(backend.watched).isTrue();
        backend.watched = null;
        ops.setWatched(true);
        ops.setWatched(false);
        assertThat(backend.watched).as("told once, never again").isNull();
    }
}
