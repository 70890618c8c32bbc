package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.InvalidPatternException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.Subscription;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage contract, concern "ScopingAndIsolation": run for each provider by {@link StorageContractTck}, whose
 * nested {@code ScopingAndIsolation} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class NamespaceIsolationContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected NamespaceIsolationContract(StorageContractTck tck) {
        super(tck);
    }

    /** Neighbours of "a" that a naive prefix or separator scheme confuses with it. */
    private final List<String> neighbours = List.of("ab", "a-b", "a.b", "a_b", "b");

    private KeyValueStore a() {
        return store("a");
    }

    private List<KeyValueStore> others() {
        List<KeyValueStore> all = new ArrayList<>();
        for (String n : neighbours) {
            all.add(store(n));
        }
        all.add(a().namespace("b"));
        return all;
    }

    @Test
    @DisplayName("KeyValueStore#namespace: the plugin id, then /nested namespace per nested namespace")
    void namespaces() {
        assertThat(a().namespace()).isEqualTo("a");
        assertThat(a().namespace("b").namespace()).isEqualTo("a/b");
        assertThat(a().namespace("b").namespace("c").namespace()).isEqualTo("a/b/c");
    }

    @Test
    @DisplayName("KeyValueStore#Scope: the same key in neighbouring namespaces holds separate values")
    void separateValues() {
        a().setString("k", "in a");
        for (KeyValueStore o : others()) {
            assertThat(o.get("k")).as(o.namespace()).isEmpty();
            assertThat(o.exists("k")).as(o.namespace()).isFalse();
            o.setString("k", "in " + o.namespace());
        }
        assertThat(a().getString("k")).hasValue("in a");
        for (KeyValueStore o : others()) {
            assertThat(o.getString("k")).as(o.namespace()).hasValue("in " + o.namespace());
            assertThat(o.getAll(List.of("k")).keySet()).containsExactly("k");
        }
    }

    @Test
    @DisplayName(
            "Namespace: no key can forge another namespace's key, whatever separator a backend might concatenate with")
    void keysCannotForgeNamespaces() {
        Map<KeyValueStore, Set<String>> expected = new LinkedHashMap<>();
        KeyValueStore a = a();
        expected.put(a, new HashSet<>());
        int n = 0;
        for (KeyValueStore neighbour : others()) {
            expected.put(neighbour, new HashSet<>());
            String rest = neighbour.namespace().substring(1);
            for (String sep : List.of("", "/", ":", "|", "#", "\\", "}", "}:", " ", "\u00FF")) {
                String real = "k" + n++;
                // Under "namespace + sep + key", key K in "a" collides with key `real` in the neighbour when
                // sep + K == rest + sep + real.
                String joined = rest + sep + real;
                if (!joined.startsWith(sep)) {
                    continue;
                }
                String forged = joined.substring(sep.length());
                a.setString(forged, "forged");
                neighbour.setString(real, "real");
                expected.get(a).add(forged);
                expected.get(neighbour).add(real);
            }
        }
        for (Map.Entry<KeyValueStore, Set<String>> e : expected.entrySet()) {
            KeyValueStore s = e.getKey();
            assertThat(s.keys("*")).as(s.namespace()).containsExactlyInAnyOrderElementsOf(e.getValue());
            for (String k : e.getValue()) {
                assertThat(s.getString(k)).as(s.namespace() + " " + k).hasValue(s == a ? "forged" : "real");
            }
        }
    }

    @Test
    @DisplayName("KeyValueStore#Scope: keys, count, getAll and paging see only the store's own keys")
    void listingIsScoped() {
        seed(a(), "x", "b:1", "-b:1", ".b/1");
        for (KeyValueStore o : others()) {
            seed(o, "y", "1", "b:2");
        }
        assertThat(a().keys("*")).containsExactly("-b:1", ".b/1", "b:1", "x");
        assertThat(a().count("*")).isEqualTo(4);
        assertThat(a().keys("*", 100).keys()).containsExactly("-b:1", ".b/1", "b:1", "x");
        assertThat(a().keysAfter("*", "b:1", 100).keys()).containsExactly("x");
        assertThat(a().getAll(List.of("y", "1", "x")).keySet()).containsExactly("x");
        for (KeyValueStore o : others()) {
            assertThat(o.keys("*")).as(o.namespace()).containsExactly("1", "b:2", "y");
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#Scope: delete, deleteAll, deleteMatching, increment, expire in one namespace leave neighbours alone")
    void writesAreScoped() {
        for (KeyValueStore o : others()) {
            seed(o, "k", "k2");
            o.increment("n", 10);
        }
        seed(a(), "k", "k2");
        a().delete("k");
        a().deleteAll(List.of("k2"));
        a().increment("n", 1);
        a().setString("e", "x");
        a().expire("e", LONG_TTL);
        assertThat(a().deleteMatching("*")).isEqualTo(2);
        for (KeyValueStore o : others()) {
            assertThat(o.keys("*")).as(o.namespace()).containsExactly("k", "k2", "n");
            assertThat(o.getString("n")).as(o.namespace()).hasValue("10");
            assertThat(o.getEntry("k").orElseThrow().expiresAt()).isEmpty();
        }
    }

    @Test
    @DisplayName("KeyValueStore#Scope: clear empties only this namespace, not neighbours, parent or nested namespaces")
    void clearIsScoped() {
        seed(a(), "k");
        for (KeyValueStore o : others()) {
            seed(o, "k");
        }
        a().clear();
        assertThat(a().keys("*")).isEmpty();
        for (KeyValueStore o : others()) {
            assertThat(o.keys("*")).as(o.namespace()).containsExactly("k");
        }
    }

    @Test
    @DisplayName("KeyValueStore#Scope: a transaction reads preconditions and writes only in its own namespace")
    void transactionsAreScoped() {
        a().setString("k", "a");
        KeyValueStore ab = store("a-b");
        Map<String, Long> versions = ab.transaction()
                .requireAbsent("k")
                .setString("k", "ab")
                .setString("t", "ab")
                .commit();
        assertThat(versions).containsOnlyKeys("k", "t");
        assertThat(a().getString("k")).hasValue("a");
        assertThat(a().exists("t")).isFalse();
        a().transaction().delete("k").delete("t").commit();
        assertThat(ab.keys("*")).containsExactly("k", "t");
    }

    @Test
    @DisplayName("KeyValueStore#Scope: a watcher sees no change from neighbouring namespaces")
    void watchIsScoped() {
        EventRecorder events = new EventRecorder();
        try (Subscription sub = a().watch("*", events)) {
            for (KeyValueStore o : others()) {
                o.setString("k", "x");
                o.delete("k");
                o.setString("k2", "x");
                o.clear();
            }
            flush(a(), events, "marker");
            assertThat(events.events())
                    .allSatisfy(e -> assertThat(e.namespace()).isEqualTo("a"))
                    .extracting(ChangeEvent::key)
                    .containsExactly(Optional.of("marker"));
        }
    }

    @Test
    @DisplayName("KeyValueStore#lock: a lock in one namespace does not hold the same name in neighbouring namespaces")
    void locksAreScoped() {
        try (LockHandle held = a().lock("L", Duration.ZERO)) {
            for (KeyValueStore o : others()) {
                Optional<LockHandle> other = o.tryLock("L");
                assertThat(other).as(o.namespace()).isPresent();
                other.get().close();
            }
            assertThat(held.isHeld()).isTrue();
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#Scope: random keys and patterns thrown at neighbouring namespaces never leak between them (seeded)")
    void randomisedIsolation() {
        long seed = 20261122L;
        Random random = new Random(seed);
        List<KeyValueStore> scopes =
                List.of(store("p"), store("p-q"), store("p").namespace("q"), store("pq"));
        List<TreeMap<String, String>> models = new ArrayList<>();
        for (int i = 0; i < scopes.size(); i++) {
            models.add(new TreeMap<>(KeyRules.UTF8_ORDER));
        }
        for (int op = 0; op < 400; op++) {
            int s = random.nextInt(scopes.size());
            KeyValueStore store = scopes.get(s);
            TreeMap<String, String> model = models.get(s);
            int kind = random.nextInt(10);
            if (random.nextInt(60) == 0) {
                store.clear();
                model.clear();
            } else if (random.nextInt(8) == 0 && !model.isEmpty()) {
                List<String> asked = new ArrayList<>(model.keySet());
                java.util.Collections.shuffle(asked, random);
                asked = asked.subList(0, Math.min(asked.size(), 1 + random.nextInt(5)));
                List<String> withMissing = new ArrayList<>(asked);
                withMissing.add(randomKey(random));
                Map<String, byte[]> got = store.getAll(withMissing);
                List<String> expected = withMissing.stream()
                        .filter(model::containsKey)
                        .distinct()
                        .toList();
                assertThat(got.keySet()).as("seed %d getAll", seed).containsExactlyElementsOf(expected);
                for (String k : expected) {
                    assertThat(text(got.get(k))).isEqualTo(model.get(k));
                }
            } else if (kind < 6) {
                String key = randomKey(random);
                String value = "v" + op;
                store.setString(key, value);
                model.put(key, value);
            } else if (kind < 7 && !model.isEmpty()) {
                String key = new ArrayList<>(model.keySet()).get(random.nextInt(model.size()));
                assertThat(store.delete(key)).isTrue();
                model.remove(key);
            } else {
                String pattern = randomPattern(random);
                GlobPattern glob;
                try {
                    glob = GlobPattern.compile(pattern);
                } catch (InvalidPatternException e) {
                    assertThatThrownBy(() -> store.keys(pattern))
                            .as("seed %d pattern %s", seed, pattern)
                            .isInstanceOf(InvalidPatternException.class);
                    continue;
                }
                List<String> expected =
                        model.keySet().stream().filter(glob::matches).toList();
                if (kind == 9) {
                    assertThat(store.deleteMatching(pattern))
                            .as("seed %d deleteMatching %s", seed, pattern)
                            .isEqualTo(expected.size());
                    expected.forEach(model::remove);
                } else {
                    assertThat(store.keys(pattern))
                            .as("seed %d keys %s in %s", seed, pattern, store.namespace())
                            .containsExactlyElementsOf(expected);
                    assertThat(store.count(pattern))
                            .as("seed %d count %s", seed, pattern)
                            .isEqualTo(expected.size());
                }
            }
        }
        for (int s = 0; s < scopes.size(); s++) {
            KeyValueStore store = scopes.get(s);
            assertThat(store.keys("*"))
                    .as("seed %d scope %s", seed, store.namespace())
                    .containsExactlyElementsOf(models.get(s).keySet());
            for (Map.Entry<String, String> e : models.get(s).entrySet()) {
                assertThat(store.getString(e.getKey()))
                        .as("seed %d %s", seed, e.getKey())
                        .hasValue(e.getValue());
            }
        }
    }

    private static final String[] KEY_PARTS = {
        "a",
        "b",
        "q",
        "p",
        ":",
        "/",
        "*",
        "?",
        "[",
        "]",
        "\\",
        "%",
        "_",
        ".",
        "-",
        " ",
        "{",
        "}",
        "\u00E9",
        "\u20AC",
        "\uFFFD",
        "\uE000",
        "\uD83D\uDE00",
        "p:q",
        "p/q",
        "p-q:"
    };

    private String randomKey(Random random) {
        StringBuilder b = new StringBuilder();
        if (random.nextInt(20) == 0) {
            // A long key near the byte limit.
            while (b.toString().getBytes(StandardCharsets.UTF_8).length < 500) {
                b.append(KEY_PARTS[random.nextInt(KEY_PARTS.length)]);
            }
            return b.toString();
        }
        int parts = 1 + random.nextInt(6);
        for (int i = 0; i < parts; i++) {
            b.append(KEY_PARTS[random.nextInt(KEY_PARTS.length)]);
        }
        return b.toString();
    }

    private String randomPattern(Random random) {
        String[] pieces = {
            "*",
            "?",
            "a",
            "p",
            "q",
            ":",
            "/",
            "\\*",
            "\\?",
            "\\[",
            "\\\\",
            "[ab]",
            "[!a]",
            "[a-q]",
            "%",
            "_",
            ".",
            "\u00E9",
            "\uD83D\uDE00",
            "[",
            "\\",
            "-"
        };
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }
}
