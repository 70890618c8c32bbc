package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.CommonOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, concern "Quotas": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Quotas} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class QuotasContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected QuotasContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName(
            "QuotaExceededException: a new key beyond maxKeys is refused naming scope, key and limit; nothing is written")
    void newKeyRefused() {
        KeyValueStore s = storeWithMaxKeys(3);
        seed(s, "a", "b", "c");
        assertThatThrownBy(() -> s.setString("d", "x")).isInstanceOfSatisfying(QuotaExceededException.class, e -> {
            assertThat(e.namespace()).isEqualTo(PLUGIN);
            assertThat(e.key()).isEqualTo("d");
            assertThat(e.maxKeys()).isEqualTo(3);
        });
        assertThatThrownBy(() -> s.set("d", bytes("x"), LONG_TTL)).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> s.setObject("d", List.of())).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> s.setIfAbsent("d", bytes("x"))).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> s.compareAndSet("d", KeyValueStore.ABSENT, bytes("x")))
                .isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> s.increment("d", 1)).isInstanceOf(QuotaExceededException.class);
        assertThat(s.keys("*")).containsExactly("a", "b", "c");
    }

    @Test
    @DisplayName("QuotaExceededException: overwriting an existing key at the limit is allowed, by every write kind")
    void overwriteAllowed() {
        KeyValueStore s = storeWithMaxKeys(3);
        seed(s, "a", "b");
        long v = s.setString("c", "1");
        s.setString("a", "new");
        s.set("b", bytes("new"), LONG_TTL);
        assertThat(s.compareAndSet("c", v, bytes("2"))).isPresent();
        s.delete("c");
        s.setString("n", "1");
        assertThat(s.increment("n", 1)).isEqualTo(2);
        assertThat(s.setIfAbsent("n", bytes("x"))).isFalse();
        s.setAll(Map.of("a", bytes("x"), "b", bytes("y")));
        s.transaction().setString("a", "tx").commit();
        assertThat(s.count("*")).isEqualTo(3);
    }

    @Test
    @DisplayName("QuotaExceededException: deleting a key frees its slot")
    void deleteFrees() {
        KeyValueStore s = storeWithMaxKeys(2);
        seed(s, "a", "b");
        s.delete("a");
        s.setString("c", "x");
        assertThat(s.keys("*")).containsExactly("b", "c");
    }

    @Test
    @DisplayName("KeyValueStore#Expiry: an expired key does not count toward maxKeys")
    void expiredKeysDoNotCount() {
        KeyValueStore s = storeWithMaxKeys(2);
        s.setString("a", "x");
        expireNow(s, "b", "x");
        s.setString("c", "x");
        assertThat(s.keys("*")).containsExactly("a", "c");
    }

    @Test
    @DisplayName("KeyValueStore#setAll: a batch whose new keys do not fit stores none of it, overwrites included")
    void setAllOverQuota() {
        KeyValueStore s = storeWithMaxKeys(3);
        seed(s, "a", "b");
        Map<String, byte[]> batch = new LinkedHashMap<>();
        batch.put("a", bytes("changed"));
        batch.put("c", bytes("new"));
        batch.put("d", bytes("new"));
        assertThatThrownBy(() -> s.setAll(batch)).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> s.setAll(batch, LONG_TTL)).isInstanceOf(QuotaExceededException.class);
        assertThat(s.keys("*")).containsExactly("a", "b");
        assertThat(s.getString("a")).hasValue("v:a");
        batch.remove("d");
        s.setAll(batch);
        assertThat(s.keys("*")).containsExactly("a", "b", "c");
    }

    @Test
    @DisplayName(
            "Transaction#commit: a transaction whose new keys exceed maxKeys throws QuotaExceededException; nothing is applied")
    void transactionOverQuota() {
        KeyValueStore s = storeWithMaxKeys(3);
        seed(s, "a", "b");
        assertThatThrownBy(() -> s.transaction()
                        .setString("a", "changed")
                        .delete("b")
                        .setString("c", "new")
                        .setString("d", "new")
                        .setString("e", "new")
                        .commit())
                .isInstanceOf(QuotaExceededException.class);
        assertThat(s.keys("*")).containsExactly("a", "b");
        assertThat(s.getString("a")).hasValue("v:a");
        s.transaction().delete("a").setString("c", "new").setString("d", "new").commit();
        assertThat(s.keys("*")).containsExactly("b", "c", "d");
    }

    @Test
    @DisplayName(
            "CommonOptions#MAX_KEYS: the limit applies per namespace: another plugin and a nested namespace have their own")
    void perScope() {
        StorageEngine e = openEngine(Map.of(CommonOptions.MAX_KEYS.name(), "1"));
        e.store(PLUGIN).setString("a", "x");
        e.store("plugin-b").setString("a", "x");
        e.store(PLUGIN).namespace("items").setString("a", "x");
        assertThatThrownBy(() -> e.store(PLUGIN).setString("b", "x")).isInstanceOf(QuotaExceededException.class);
        assertThatThrownBy(() -> e.store(PLUGIN).namespace("items").setString("b", "x"))
                .isInstanceOfSatisfying(
                        QuotaExceededException.class,
                        ex -> assertThat(ex.namespace()).isEqualTo(PLUGIN + "/items"));
    }

    @Test
    @DisplayName("CommonOptions#MAX_KEYS: 0 means unlimited")
    void zeroIsUnlimited() {
        KeyValueStore s = storeWithMaxKeys(0);
        Map<String, byte[]> batch = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            batch.put("k" + i, bytes("x"));
        }
        s.setAll(batch);
        assertThat(s.count("*")).isEqualTo(500);
    }
}
