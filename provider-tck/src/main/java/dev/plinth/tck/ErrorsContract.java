package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.tck.StorageContractTck.Note;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The storage contract, concern "Errors": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Errors} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class ErrorsContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected ErrorsContract(StorageContractTck tck) {
        super(tck);
    }

    @TestFactory
    @DisplayName("KeyValueStore#Errors: after the runtime closes, every method throws StoreClosedException")
    Stream<DynamicTest> closedStoreThrows() {
        KeyValueStore s = store();
        KeyValueStore bucket = s.namespace("items");
        s.setString("k", "x");
        engine().close();
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("get", () -> s.get("k"));
        calls.put("getString", () -> s.getString("k"));
        calls.put("getObject", () -> s.getObject("k", Note.class));
        calls.put("getEntry", () -> s.getEntry("k"));
        calls.put("exists", () -> s.exists("k"));
        calls.put("getAll", () -> s.getAll(List.of("k")));
        calls.put("set", () -> s.set("k", bytes("y")));
        calls.put("setString", () -> s.setString("k", "y"));
        calls.put("setObject", () -> s.setObject("k", List.of()));
        calls.put("setIfAbsent", () -> s.setIfAbsent("n", bytes("y")));
        calls.put("compareAndSet", () -> s.compareAndSet("k", 1, bytes("y")));
        calls.put("increment", () -> s.increment("c", 1));
        calls.put("delete", () -> s.delete("k"));
        calls.put("setAll", () -> s.setAll(Map.of("k", bytes("y"))));
        calls.put("deleteAll", () -> s.deleteAll(List.of("k")));
        calls.put("ttl", () -> s.ttl("k"));
        calls.put("expire", () -> s.expire("k", LONG_TTL));
        calls.put("persist", () -> s.persist("k"));
        calls.put("keys", () -> s.keys("*"));
        calls.put("keys(limit)", () -> s.keys("*", 10));
        calls.put("keysAfter", () -> s.keysAfter("*", "a", 10));
        calls.put("count", () -> s.count("*"));
        calls.put("deleteMatching", () -> s.deleteMatching("*"));
        calls.put("clear", s::clear);
        calls.put("transaction", () -> s.transaction().setString("k", "y").commit());
        calls.put("watch", () -> s.watch("*", e -> {}));
        calls.put("lock", () -> s.lock("L", Duration.ZERO));
        calls.put("tryLock", () -> s.tryLock("L"));
        calls.put("bucket get", () -> bucket.get("k"));
        calls.put("bucket set", () -> bucket.setString("k", "y"));
        return calls.entrySet().stream()
                .map(c -> DynamicTest.dynamicTest(
                        c.getKey(),
                        () -> assertThatThrownBy(c.getValue()::execute).isInstanceOf(StoreClosedException.class)));
    }

    @Test
    @DisplayName("StorageEngine#close: idempotent; subscriptions end and held locks close without throwing")
    void closeEndsEverything() {
        Subscription sub = store().watch("*", e -> {});
        LockHandle lock = store().lock("L", Duration.ZERO);
        engine().close();
        engine().close();
        assertThat(sub.isActive()).isFalse();
        assertThatCode(sub::close).doesNotThrowAnyException();
        assertThatCode(lock::close).doesNotThrowAnyException();
        assertThat(lock.isHeld()).isFalse();
    }

    @Test
    @DisplayName("StorageException#isRetryable: input errors, conflicts and quotas are not retryable")
    void notRetryable() {
        KeyValueStore s = storeWithMaxKeys(1);
        s.setString("a", "x");
        List<StorageException> errors = new ArrayList<>();
        List<Executable> calls = List.of(
                () -> s.get(""),
                () -> s.keys("["),
                () -> s.setString("b", "x"),
                () -> s.transaction().requireAbsent("a").commit(),
                () -> s.increment("a", 1));
        for (Executable call : calls) {
            try {
                call.execute();
            } catch (StorageException e) {
                errors.add(e);
            } catch (Throwable t) {
                throw new AssertionError("expected a StorageException", t);
            }
        }
        assertThat(errors).hasSize(calls.size()).noneMatch(StorageException::isRetryable);
    }
}
