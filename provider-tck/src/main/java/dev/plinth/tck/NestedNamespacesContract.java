package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.KeyValueStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The storage contract, concern "Nested namespaces": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Nested namespaces} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class NestedNamespacesContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected NestedNamespacesContract(StorageContractTck tck) {
        super(tck);
    }

    @Test
    @DisplayName(
            "KeyValueStore#namespace: a nested namespace is isolated from its parent and from a sibling nested namespace")
    void isolated() {
        KeyValueStore parent = store();
        KeyValueStore items = parent.namespace("items");
        KeyValueStore other = parent.namespace("other");
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
    @DisplayName("KeyValueStore#namespace: calling scope twice with the same name sees the same data")
    void sameNameSameData() {
        store().namespace("items").setString("k", "v");
        assertThat(store().namespace("items").getString("k")).hasValue("v");
        assertThat(engine().store(PLUGIN).namespace("items").keys("*")).containsExactly("k");
        assertThat(store().namespace("items").namespace()).isEqualTo(PLUGIN + "/items");
    }

    @Test
    @DisplayName("KeyValueStore#namespace: a nested namespace named like another plugin is not that plugin's store")
    void bucketIsNotPlugin() {
        store().namespace("items").setString("k", "bucket");
        store("items").setString("k", "plugin");
        assertThat(store().namespace("items").getString("k")).hasValue("bucket");
        assertThat(store("items").getString("k")).hasValue("plugin");
    }

    @Test
    @DisplayName("KeyValueStore#namespace: nested nested namespaces are separate namespaces at every depth")
    void nestedBuckets() {
        KeyValueStore deep = store().namespace("items").namespace("deep");
        deep.setString("k", "deep");
        assertThat(deep.namespace()).isEqualTo(PLUGIN + "/items/deep");
        assertThat(store().namespace("items").exists("k")).isFalse();
        assertThat(store().namespace("deep").exists("k")).isFalse();
        store().namespace("items").clear();
        assertThat(deep.getString("k")).hasValue("deep");
    }

    @Test
    @DisplayName(
            "KeyValueStore#clear: clearing the parent leaves nested namespaces, clearing a nested namespace leaves the parent")
    void clearAcrossLevels() {
        store().setString("p", "x");
        store().namespace("items").setString("b", "x");
        store().clear();
        assertThat(store().namespace("items").keys("*")).containsExactly("b");
        store().setString("p", "x");
        store().namespace("items").clear();
        assertThat(store().keys("*")).containsExactly("p");
        assertThat(store().deleteMatching("*")).isEqualTo(1);
    }

    @ParameterizedTest(name = "bucket \"{0}\"")
    @ValueSource(
            strings = {
                "Items",
                "a/b",
                "",
                "a:b",
                "a b",
                "caf\u00E9",
                "*",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            })
    @DisplayName(
            "KeyValueStore#namespace: a name outside 1-64 chars of a-z 0-9 . - _ throws InvalidArgumentException naming it")
    void invalidBucketNames(String bucket) {
        assertThatThrownBy(() -> store().namespace(bucket))
                .isInstanceOfSatisfying(
                        InvalidArgumentException.class,
                        e -> assertThat(e.argument()).isEqualTo("name"));
    }
}
