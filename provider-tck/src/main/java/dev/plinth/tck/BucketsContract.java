package dev.plinth.tck;

import dev.plinth.api.plugin.InvalidPluginIdException;
import dev.plinth.api.storage.KeyValueStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage contract, concern "Buckets": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Buckets} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class BucketsContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected BucketsContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName("KeyValueStore#scope: a bucket is isolated from its parent and from a sibling bucket")
    void isolated() {
        KeyValueStore parent = store();
        KeyValueStore items = parent.scope("items");
        KeyValueStore other = parent.scope("other");
        parent.setString("k", "parent");
        items.setString("k", "items");
        other.setString("k", "other");
        items.setString("only-items", "x");
        assertThat(parent.getString("k")).hasValue("parent");
        assertThat(items.getString("k")).hasValue("items");
        assertThat(other.getString("k")).hasValue("other");
        assertThat(parent.keys("*")).containsExactly("k");
        assertThat(other.keys("*")).containsExactly("k");
        assertThat(items.keys("*")).containsExactly("k", "only-items");
        assertThat(parent.exists("only-items")).isFalse();
        assertThat(parent.keys("items*")).isEmpty();
        assertThat(parent.count("*")).isEqualTo(1);
    }

    @Test
    @DisplayName("KeyValueStore#scope: calling scope twice with the same name sees the same data")
    void sameNameSameData() {
        store().scope("items").setString("k", "v");
        assertThat(store().scope("items").getString("k")).hasValue("v");
        assertThat(engine().store(PLUGIN).scope("items").keys("*")).containsExactly("k");
        assertThat(store().scope("items").namespace()).isEqualTo(PLUGIN + "/items");
    }

    @Test
    @DisplayName("KeyValueStore#scope: a bucket named like another plugin is not that plugin's store")
    void bucketIsNotPlugin() {
        store().scope("items").setString("k", "bucket");
        store("items").setString("k", "plugin");
        assertThat(store().scope("items").getString("k")).hasValue("bucket");
        assertThat(store("items").getString("k")).hasValue("plugin");
    }

    @Test
    @DisplayName("KeyValueStore#scope: nested buckets are separate namespaces at every depth")
    void nestedBuckets() {
        KeyValueStore deep = store().scope("items").scope("deep");
        deep.setString("k", "deep");
        assertThat(deep.namespace()).isEqualTo(PLUGIN + "/items/deep");
        assertThat(store().scope("items").exists("k")).isFalse();
        assertThat(store().scope("deep").exists("k")).isFalse();
        store().scope("items").clear();
        assertThat(deep.getString("k")).hasValue("deep");
    }

    @Test
    @DisplayName("KeyValueStore#clear: clearing the parent leaves buckets, clearing a bucket leaves the parent")
    void clearAcrossLevels() {
        store().setString("p", "x");
        store().scope("items").setString("b", "x");
        store().clear();
        assertThat(store().scope("items").keys("*")).containsExactly("b");
        store().setString("p", "x");
        store().scope("items").clear();
        assertThat(store().keys("*")).containsExactly("p");
        assertThat(store().deleteMatching("*")).isEqualTo(1);
    }

    @ParameterizedTest(name = "bucket \"{0}\"")
    @ValueSource(strings = {"Items", "a/b", "", "a:b", "a b", "caf\u00E9", "*",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    @DisplayName("KeyValueStore#scope: a name outside 1-64 chars of a-z 0-9 . - _ throws InvalidPluginIdException")
    void invalidBucketNames(String bucket) {
        assertThatThrownBy(() -> store().scope(bucket)).isInstanceOf(InvalidPluginIdException.class);
    }
}
