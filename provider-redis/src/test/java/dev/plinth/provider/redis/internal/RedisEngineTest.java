package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.LockTimeoutException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.provider.redis.RedisStorageProvider;
import dev.plinth.spi.storage.ProviderConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two engines on one prefix stand for two processes sharing a Redis server. */
class RedisEngineTest {
    private String prefix;
    private StorageEngine first;
    private StorageEngine second;

    private StorageEngine open() {
        RedisStorageProvider p = new RedisStorageProvider();
        ProviderConfig c = ProviderConfig.builder(p)
                .set("uri", RedisServers.sharedUri())
                .set("keyPrefix", prefix)
                .set("sweepInterval", "50ms")
                .build();
        return StorageEngine.open(p, c, StorageSettings.defaults());
    }

    @BeforeEach
    void setUp() {
        prefix = Backends.uniquePrefix();
        first = open();
        second = open();
    }

    @AfterEach
    void tearDown() {
        first.close();
        second.close();
        Backends.purge(RedisServers.sharedPort(), prefix);
    }

    private static List<ChangeEvent> await(List<ChangeEvent> events, int n) throws InterruptedException {
        for (int i = 0; i < 500 && events.size() < n; i++) {
            Thread.sleep(20);
        }
        return List.copyOf(events);
    }

    @Test
    void watchersSeeOtherProcessesWritesAndExpiryOnce() throws Exception {
        KeyValueStore mine = first.store("app");
        KeyValueStore theirs = second.store("app");
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        try (Subscription s = mine.watch("user:*", events::add)) {
            long v = theirs.setString("user:1", "ann");
            theirs.setString("other", "x");
            theirs.setString("user:2", "bob", Duration.ofMillis(30));
            List<ChangeEvent> seen = await(events, 3);
            assertThat(seen)
                    .extracting(ChangeEvent::type)
                    .containsExactly(ChangeType.SET, ChangeType.SET, ChangeType.EXPIRE);
            assertThat(seen.get(0).version()).hasValue(v);
            assertThat(seen.get(2).key()).hasValue("user:2");
            Thread.sleep(200);
            assertThat(events).hasSize(3);
        }
        assertThat(first.activeSubscriptions()).isZero();
        assertThat(mine.getString("user:1")).hasValue("ann");
    }

    @Test
    void theChangeFeedRunsOnlyWhileSomethingInThisProcessWatches() throws Exception {
        RedisStorageBackend backend = (RedisStorageBackend) first.backend();
        KeyValueStore mine = first.store("app");
        KeyValueStore theirs = second.store("app");
        // Nothing watches after open: no subscriber receives every write for nothing.
        assertThat(backend.feedRunning()).isFalse();
        theirs.setString("before", "x");

        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        Subscription a = mine.watch("*", events::add);
        Subscription b = mine.watch("b*", e -> {});
        assertThat(backend.feedRunning()).isTrue();
        // watch() returned subscribed: the very next write, from another process, is reported.
        long v = theirs.setString("after", "y");
        assertThat(await(events, 1)).containsExactly(new ChangeEvent(ChangeType.SET, "app", "after", v, 0));

        a.close();
        assertThat(backend.feedRunning()).isTrue();
        b.close();
        assertThat(backend.feedRunning()).isFalse();

        // And again: a new first watch starts a new feed.
        List<ChangeEvent> again = new CopyOnWriteArrayList<>();
        try (Subscription c = mine.watch("*", again::add)) {
            long w = mine.setString("mine", "z");
            assertThat(await(again, 1)).containsExactly(new ChangeEvent(ChangeType.SET, "app", "mine", w, 0));
        }
        assertThat(backend.feedRunning()).isFalse();
        assertThat(events).hasSize(1);
    }

    @Test
    void locksAreExclusiveAcrossProcessesAndReleased() {
        KeyValueStore mine = first.store("app");
        KeyValueStore theirs = second.store("app");
        try (LockHandle h = mine.lock("job", Duration.ZERO)) {
            assertThat(theirs.tryLock("job")).isEmpty();
            assertThatThrownBy(() -> theirs.lock("job", Duration.ofMillis(50)))
                    .isInstanceOf(LockTimeoutException.class);
            assertThat(first.lockEntries()).isEqualTo(1);
        }
        assertThat(first.lockEntries()).isZero();
        try (LockHandle h = theirs.lock("job", Duration.ofSeconds(1))) {
            assertThat(second.lockEntries()).isEqualTo(1);
        }
        assertThat(second.lockEntries()).isZero();
    }

    @Test
    void transactionsAndTtlThroughTheStore() {
        KeyValueStore s = first.store("app").namespace("bucket");
        long v = s.setString("a", "1");
        s.transaction().requireVersion("a", v).setString("b", "2").delete("a").commit();
        assertThat(s.getString("b")).hasValue("2");
        assertThat(s.exists("a")).isFalse();
        s.setString("t", "x", Duration.ofMinutes(5));
        assertThat(s.ttl("t"))
                .hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(5)));
        assertThat(s.persist("t")).isTrue();
        assertThat(s.ttl("t")).isEmpty();
        assertThat(s.increment("n", 41)).isEqualTo(41);
        assertThat(second.store("app").namespace("bucket").increment("n", 1)).isEqualTo(42);
        assertThat(first.store("app").keys("*")).isEmpty();
    }
}
