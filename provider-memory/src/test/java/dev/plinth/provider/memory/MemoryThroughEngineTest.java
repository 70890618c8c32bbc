package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.ProviderConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider driven the way plugins meet it: through runtime-core's engine and scoped stores. */
class MemoryThroughEngineTest {
    private final MemoryStorageProvider provider = new MemoryStorageProvider();
    private final StorageEngine engine = StorageEngine.open(
            provider,
            ProviderConfig.builder(provider)
                    .set("sweepInterval", "10ms")
                    .set("maxKeys", "3")
                    .build(),
            StorageSettings.defaults());

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void watchersSeeSetExpireAndClearInOrder() throws InterruptedException {
        KeyValueStore store = engine.store("notes");
        List<ChangeEvent> seen = new ArrayList<>();
        try (Subscription sub = watch(store, seen)) {
            long v = store.setString("session", "x", Duration.ofMillis(20));
            synchronized (seen) {
                long end = System.nanoTime() + 10_000_000_000L;
                while (seen.stream().noneMatch(e -> e.type() == ChangeType.EXPIRE) && System.nanoTime() < end) {
                    seen.wait(100);
                }
            }
            store.clear();
            synchronized (seen) {
                long end = System.nanoTime() + 10_000_000_000L;
                while (seen.size() < 3 && System.nanoTime() < end) {
                    seen.wait(100);
                }
                assertThat(seen)
                        .extracting(ChangeEvent::type)
                        .containsExactly(ChangeType.SET, ChangeType.EXPIRE, ChangeType.CLEAR);
                assertThat(seen.get(0).version()).hasValue(v);
            }
            assertThat(store.getString("session")).isEmpty();
            assertThat(sub.isActive()).isTrue();
        }
    }

    private static Subscription watch(KeyValueStore store, List<ChangeEvent> seen) {
        return store.watch("*", e -> {
            synchronized (seen) {
                seen.add(e);
                seen.notifyAll();
            }
        });
    }

    @Test
    void setAllIsAllOrNothingUnderTheQuota() {
        KeyValueStore store = engine.store("notes");
        store.setString("a", "1");
        assertThatThrownBy(() -> store.setAll(Map.of("b", new byte[] {1}, "c", new byte[] {2}, "d", new byte[] {3})))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(store.keys("*")).containsExactly("a");
        store.setAll(Map.of("b", new byte[] {1}, "c", new byte[] {2}));
        assertThat(store.keys("*")).containsExactly("a", "b", "c");
        assertThat(store.namespace("archive").keys("*")).isEmpty();
    }

    @Test
    void locksReturnTheRegistryToZero() {
        KeyValueStore store = engine.store("notes");
        try (LockHandle lock = store.lock("job", Duration.ofSeconds(1))) {
            assertThat(lock.isHeld()).isTrue();
            assertThat(store.tryLock("job")).isEmpty();
            assertThat(engine.lockEntries()).isEqualTo(1);
        }
        assertThat(engine.lockEntries()).isZero();
    }

    @Test
    void closingTheEngineClosesTheBackend() {
        KeyValueStore store = engine.store("notes");
        engine.close();
        assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() ->
                        engine.backend().read(dev.plinth.spi.storage.Namespace.of("notes"), java.util.List.of("k")))
                .isInstanceOf(StoreClosedException.class);
    }
}
