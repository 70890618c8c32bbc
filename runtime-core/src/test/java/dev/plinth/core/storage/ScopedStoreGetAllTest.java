package dev.plinth.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ProviderConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SPI lets a backend answer getAll in any order; the store must still return the keys in the order
 * asked, each value a copy. Backends that answer in asked order take a path without a lookup table, the
 * others the general one: both are driven here with a backend whose order the test chooses.
 */
class ScopedStoreGetAllTest {
    private final FakeProvider provider = new FakeProvider();
    private final StorageEngine engine =
            StorageEngine.open(provider, ProviderConfig.builder(provider).build(), StorageSettings.defaults());
    private final Map<String, byte[]> stored = Map.of("a", b("1"), "b", b("2"), "c", b("3"));

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void answersInAskedOrderComeBackInThatOrderAsCopies() {
        provider.getAllAnswer = (ns, keys) -> present(keys);
        KeyValueStore store = engine.store("p");

        Map<String, byte[]> got = store.getAll(List.of("c", "missing", "a", "c", "b"));

        assertThat(got.keySet()).containsExactly("c", "a", "b");
        assertThat(got.get("a")).isEqualTo(b("1")).isNotSameAs(stored.get("a"));
        got.get("a")[0] = 'X';
        assertThat(stored.get("a")).isEqualTo(b("1"));
    }

    @Test
    void answersInAnotherOrderStillComeBackInAskedOrder() {
        provider.getAllAnswer = (ns, keys) -> {
            List<BackendEntry> out = present(keys);
            Collections.reverse(out);
            return out;
        };
        KeyValueStore store = engine.store("p");

        Map<String, byte[]> got = store.getAll(List.of("a", "missing", "b", "c"));

        assertThat(got.keySet()).containsExactly("a", "b", "c");
        assertThat(got.get("c")).isEqualTo(b("3")).isNotSameAs(stored.get("c"));
        // Out of order only after a prefix that matched: the first key lines up, the rest do not.
        provider.getAllAnswer = (ns, keys) -> List.of(entry("a"), entry("c"), entry("b"));
        assertThat(store.getAll(List.of("a", "b", "c")).keySet()).containsExactly("a", "b", "c");
    }

    private List<BackendEntry> present(Iterable<String> keys) {
        List<BackendEntry> out = new ArrayList<>();
        for (String k : keys) {
            if (stored.containsKey(k)) {
                out.add(entry(k));
            }
        }
        return out;
    }

    private BackendEntry entry(String k) {
        return new BackendEntry(k, stored.get(k), 1, 0);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
