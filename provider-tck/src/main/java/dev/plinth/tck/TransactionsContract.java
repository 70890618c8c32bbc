package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.SerializationException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.Transaction;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.tck.StorageContractTck.Note;
import dev.plinth.tck.StorageContractTck.Unwritable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, concern "Transactions": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Transactions} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class TransactionsContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected TransactionsContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName("Transaction#commit: applies every operation and returns each written key's new version")
    void commitApplies() {
        store().setString("gone", "x");
        Map<String, Long> versions = store().transaction()
                .set("a", bytes("1"))
                .setString("b", "2")
                .setObject("c", new Note("n", 1, List.of()))
                .delete("gone")
                .delete("never-there")
                .commit();
        assertThat(versions).containsOnlyKeys("a", "b", "c");
        for (String k : List.of("a", "b", "c")) {
            assertThat(versions.get(k))
                    .isPositive()
                    .isEqualTo(store().getEntry(k).orElseThrow().version());
        }
        assertThat(store().getString("a")).hasValue("1");
        assertThat(store().getString("b")).hasValue("2");
        assertThat(store().getObject("c", Note.class)).hasValue(new Note("n", 1, List.of()));
        assertThat(store().exists("gone")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#transaction: nothing happens until commit")
    void nothingBeforeCommit() {
        Transaction tx = store().transaction().setString("a", "1").delete("b");
        store().setString("b", "kept");
        assertThat(store().exists("a")).isFalse();
        assertThat(store().getString("b")).hasValue("kept");
        tx.commit();
        assertThat(store().exists("a")).isTrue();
        assertThat(store().exists("b")).isFalse();
    }

    @Test
    @DisplayName("Transaction: operations apply in order; a later write of the same key wins")
    void laterWriteWins() {
        Map<String, Long> versions = store().transaction()
                .setString("k", "1")
                .setString("k", "2")
                .setString("d", "x")
                .delete("d")
                .delete("r")
                .setString("r", "back")
                .commit();
        assertThat(store().getString("k")).hasValue("2");
        assertThat(store().exists("d")).isFalse();
        assertThat(store().getString("r")).hasValue("back");
        assertThat(versions.get("k"))
                .isEqualTo(store().getEntry("k").orElseThrow().version());
        assertThat(versions.get("r"))
                .isEqualTo(store().getEntry("r").orElseThrow().version());
    }

    @Test
    @DisplayName(
            "Transaction#commit: a failed requireVersion throws VersionConflictException naming the key; nothing is applied")
    void failedPreconditionAppliesNothing() {
        long v1 = store().setString("guard", "1");
        long v2 = store().setString("guard", "2");
        long setup = store().setString("del", "kept");
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("*", events)) {
            assertThatThrownBy(() -> store().transaction()
                            .setString("a", "new")
                            .delete("del")
                            .requireVersion("guard", v1)
                            .setString("guard", "3")
                            .commit())
                    .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                        assertThat(e.key()).isEqualTo("guard");
                        assertThat(e.expectedVersion()).isEqualTo(v1);
                        assertThat(e.actualVersion()).isEqualTo(v2);
                        assertThat(e.getMessage()).contains("guard");
                    });
            flush(store(), events, "marker");
            assertThat(events.after(setup)).extracting(ChangeEvent::key).containsExactly(Optional.of("marker"));
        }
        assertThat(store().exists("a")).isFalse();
        assertThat(store().getString("del")).hasValue("kept");
        assertThat(store().getString("guard")).hasValue("2");
        assertThat(store().getEntry("guard").orElseThrow().version()).isEqualTo(v2);
    }

    @Test
    @DisplayName("Transaction#requireVersion: passes at the current version")
    void requireVersionPasses() {
        long v = store().setString("guard", "1");
        store().transaction()
                .requireVersion("guard", v)
                .setString("guard", "2")
                .setString("other", "x")
                .commit();
        assertThat(store().getString("guard")).hasValue("2");
        assertThat(store().exists("other")).isTrue();
    }

    @Test
    @DisplayName("Transaction#requireVersion: a version expected on an absent key fails with actual ABSENT")
    void requireVersionOnAbsent() {
        assertThatThrownBy(() -> store().transaction()
                        .requireVersion("none", 5)
                        .setString("x", "1")
                        .commit())
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.key()).isEqualTo("none");
                    assertThat(e.actualVersion()).isEqualTo(KeyValueStore.ABSENT);
                });
        assertThat(store().exists("x")).isFalse();
    }

    @Test
    @DisplayName("Transaction#requireAbsent: passes for an absent key, fails for a present one naming it")
    void requireAbsent() {
        store().transaction().requireAbsent("k").setString("k", "1").commit();
        long v = store().getEntry("k").orElseThrow().version();
        assertThatThrownBy(() -> store().transaction()
                        .requireAbsent("k")
                        .setString("k", "2")
                        .commit())
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.key()).isEqualTo("k");
                    assertThat(e.expectedVersion()).isEqualTo(KeyValueStore.ABSENT);
                    assertThat(e.actualVersion()).isEqualTo(v);
                });
        assertThatThrownBy(() -> store().transaction()
                        .requireVersion("k", KeyValueStore.ABSENT)
                        .setString("o", "x")
                        .commit())
                .isInstanceOf(VersionConflictException.class);
        assertThat(store().getString("k")).hasValue("1");
        assertThat(store().exists("o")).isFalse();
    }

    @Test
    @DisplayName("Transaction#commit: with several failing preconditions the exception names the first")
    void firstFailingPreconditionNamed() {
        long v = store().setString("ok", "1");
        store().setString("second", "1");
        assertThatThrownBy(() -> store().transaction()
                        .requireVersion("ok", v)
                        .requireAbsent("second")
                        .requireVersion("third", 99)
                        .setString("w", "x")
                        .commit())
                .isInstanceOfSatisfying(
                        VersionConflictException.class, e -> assertThat(e.key()).isEqualTo("second"));
    }

    @Test
    @DisplayName("Transaction#commit: a transaction commits at most once; a second commit throws StoreClosedException")
    void commitOnce() {
        Transaction tx = store().transaction().setString("k", "1");
        tx.commit();
        store().setString("k", "changed");
        assertThatThrownBy(tx::commit)
                .isInstanceOf(StoreClosedException.class)
                .hasMessageContaining("already committed");
        assertThat(store().getString("k")).hasValue("changed");
    }

    @Test
    @DisplayName("Transaction#commit: an empty transaction commits and returns no versions")
    void emptyTransaction() {
        assertThat(store().transaction().commit()).isEmpty();
        assertThat(store().transaction().requireAbsent("x").commit()).isEmpty();
    }

    @Test
    @DisplayName("Transaction#set: the value is copied when added; a TTL applies; a write without TTL removes one")
    void transactionValues() {
        byte[] value = bytes("orig");
        store().setString("p", "x", LONG_TTL);
        Transaction tx = store().transaction()
                .set("k", value)
                .set("t", bytes("x"), LONG_TTL)
                .setString("p", "y");
        value[0] = 'X';
        tx.commit();
        assertThat(store().getString("k")).hasValue("orig");
        assertThat(store().getEntry("t").orElseThrow().expiresAt()).isPresent();
        assertThat(store().getEntry("p").orElseThrow().expiresAt()).isEmpty();
    }

    @Test
    @DisplayName(
            "Transaction#setObject: an object that cannot be written as JSON throws SerializationException when added")
    void transactionUnwritable() {
        assertThatThrownBy(() -> store().transaction().setObject("k", new Unwritable("x")))
                .isInstanceOf(SerializationException.class);
        assertThat(store().exists("k")).isFalse();
    }

    @Test
    @DisplayName(
            "Transaction#commit: watchers get a SET per written key with the returned version and a DELETE per deleted key")
    void transactionEvents() {
        long setup = store().setString("d", "x");
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("*", events)) {
            Map<String, Long> versions = store().transaction()
                    .setString("a", "1")
                    .setString("b", "2")
                    .delete("d")
                    .commit();
            events.await("DELETE d", e -> e.type() == ChangeType.DELETE);
            events.awaitSet("a");
            events.awaitSet("b");
            assertThat(events.eventsFor("a"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.version()).hasValue(versions.get("a")));
            assertThat(events.eventsFor("b"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.version()).hasValue(versions.get("b")));
            flush(store(), events, "marker");
            assertThat(events.after(setup))
                    .filteredOn(e -> e.key().filter("d"::equals).isPresent())
                    .singleElement()
                    .satisfies(e -> assertThat(e.type()).isEqualTo(ChangeType.DELETE));
        }
    }
}
