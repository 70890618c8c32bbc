package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.BulkLoad;
import dev.plinth.spi.storage.EntryScan;
import dev.plinth.spi.storage.IntegrityCheck;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NamespaceListing;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The storage contract, concern "Operator parts": the optional SPI parts the operator tools use
 * ({@link NamespaceListing}, {@link EntryScan}, {@link BulkLoad}, {@link IntegrityCheck}), each tested when the provider's
 * backend implements it (a part it lacks has the runtime's default, or none, and no test here).
 */
public abstract class OperatorPartsContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected OperatorPartsContract(StorageContractTck tck) {
        super(tck);
    }

    @TestFactory
    Stream<DynamicTest> implementedParts() {
        StorageBackend backend = engine().backend();
        List<DynamicTest> tests = new ArrayList<>();
        if (backend instanceof NamespaceListing) {
            tests.add(test(
                    "NamespaceListing#namespaces: every namespace with live keys and its live count, nested ones apart,"
                            + " none for a cleared or wholly expired one",
                    this::namespaces));
        }
        if (backend instanceof EntryScan) {
            tests.add(test(
                    "EntryScan#scan: pages in UTF-8 order after the cursor, each entry as read() returns it, no other"
                            + " namespace's",
                    this::scan));
        }
        if (backend instanceof BulkLoad) {
            tests.add(test(
                    "BulkLoad#loadNew: new keys readable with their values, own TTLs and distinct versions, listed,"
                            + " counted and changeable like any other, no other namespace touched",
                    this::bulkLoad));
        }
        if (backend instanceof IntegrityCheck) {
            tests.add(test("IntegrityCheck#checkIntegrity: a sound data set has no problem", this::soundCheck));
        }
        startNextDataSet(); // the probe above opened an engine; each test starts from an empty data set
        return tests.stream();
    }

    private DynamicTest test(String name, Runnable body) {
        return DynamicTest.dynamicTest(name, () -> {
            try {
                body.run();
            } finally {
                startNextDataSet();
            }
        });
    }

    private void namespaces() {
        KeyValueStore a = store("plugin-a");
        a.setString("k1", "v");
        a.setString("k2", "v", LONG_TTL);
        a.namespace("child").setString("k1", "v");
        store("plugin-b").setString("only", "v");
        KeyValueStore cleared = store("plugin-c");
        cleared.setString("gone", "v");
        cleared.clear();
        store("plugin-d").setString("brief", "v", SHORT_TTL);
        NamespaceListing listing = (NamespaceListing) engine().backend();
        Await.until(
                "the short-lived key of plugin-d expires",
                () -> !listing.namespaces().containsKey(Namespace.of("plugin-d")),
                listing::namespaces);
        SortedMap<Namespace, Long> expected = new TreeMap<>();
        expected.put(Namespace.of("plugin-a"), 2L);
        expected.put(Namespace.of("plugin-a").child("child"), 1L);
        expected.put(Namespace.of("plugin-b"), 1L);
        assertThat(listing.namespaces()).containsExactlyEntriesOf(expected);
    }

    private void scan() {
        KeyValueStore a = store("plugin-a");
        List<String> keys =
                new ArrayList<>(List.of("a", "b", "z", "\u00e9", "\uD83D\uDE00", "key:1", "key:10", "key:2"));
        for (String k : keys) {
            if (k.equals("b")) {
                a.set(k, bytes("value of " + k), LONG_TTL);
            } else {
                a.set(k, bytes("value of " + k));
            }
        }
        a.set("bin", new byte[] {0, (byte) 0xFF});
        keys.add("bin");
        store("plugin-b").setString("a", "other namespace");
        a.namespace("child").setString("a", "nested namespace");
        keys.sort(KeyRules.UTF8_ORDER);

        StorageBackend backend = engine().backend();
        Namespace ns = Namespace.of("plugin-a");
        List<BackendEntry> all = new ArrayList<>();
        String after = null;
        while (true) {
            List<BackendEntry> page = ((EntryScan) backend).scan(ns, after, 3);
            assertThat(page).hasSizeLessThanOrEqualTo(3);
            all.addAll(page);
            if (page.size() < 3) {
                break;
            }
            after = page.get(page.size() - 1).key();
        }
        assertThat(all).extracting(BackendEntry::key).containsExactlyElementsOf(keys);
        Map<String, BackendEntry> read = new TreeMap<>();
        backend.read(ns, keys).forEach(e -> read.put(e.key(), e));
        for (BackendEntry e : all) {
            BackendEntry r = read.get(e.key());
            assertThat(r).as("read of %s", e.key()).isNotNull();
            assertThat(e.value()).as("value of %s", e.key()).isEqualTo(r.value());
            assertThat(e.version()).as("version of %s", e.key()).isEqualTo(r.version());
            assertThat(e.expiresAtMillis()).as("expiry of %s", e.key()).isEqualTo(r.expiresAtMillis());
        }
        assertThat(all.stream()
                        .filter(e -> e.key().equals("b"))
                        .findFirst()
                        .orElseThrow()
                        .expiresAtMillis())
                .isPositive();
        assertThat(((EntryScan) backend).scan(ns, keys.get(keys.size() - 1), 10))
                .isEmpty();
        assertThat(((EntryScan) backend).scan(Namespace.of("plugin-x"), null, 10))
                .isEmpty();
        assertThat(all).isSortedAccordingTo(Comparator.comparing(BackendEntry::key, KeyRules.UTF8_ORDER));
    }

    private void bulkLoad() {
        store("plugin-b").setString("k1", "other namespace");
        StorageBackend backend = engine().backend();
        Namespace ns = Namespace.of("plugin-a");
        List<Write.Put> puts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] value = i == 7 ? new byte[] {0, (byte) 0xFF} : bytes("value " + i);
            puts.add(new Write.Put("k" + i, value, i % 2 == 0 ? StorageBackend.NO_EXPIRY : LONG_TTL.toMillis()));
        }
        ((BulkLoad) backend).loadNew(ns, puts.subList(0, 10));
        ((BulkLoad) backend).loadNew(ns, puts.subList(10, 20));
        KeyValueStore a = store("plugin-a");
        assertThat(a.count("*")).isEqualTo(20);
        assertThat(a.keys("*", 100).keys()).hasSize(20).contains("k0", "k19");
        List<String> keys = puts.stream().map(Write.Put::key).toList();
        List<BackendEntry> read = backend.read(ns, keys);
        assertThat(read).hasSize(20);
        assertThat(read.stream().map(BackendEntry::version).distinct().count())
                .as("distinct versions")
                .isEqualTo(20);
        for (BackendEntry e : read) {
            int i = Integer.parseInt(e.key().substring(1));
            assertThat(e.value())
                    .as("value of %s", e.key())
                    .isEqualTo(puts.get(i).value());
            assertThat(e.version()).isPositive();
            if (i % 2 == 0) {
                assertThat(e.expiresAtMillis()).as("expiry of %s", e.key()).isEqualTo(StorageBackend.NO_EXPIRY);
            } else {
                assertThat(e.expiresAtMillis()).as("expiry of %s", e.key()).isPositive();
            }
        }
        long before = a.getEntry("k3").orElseThrow().version();
        assertThat(a.set("k3", bytes("changed"))).isGreaterThan(before);
        assertThat(a.delete("k4")).isTrue();
        assertThat(a.count("*")).isEqualTo(19);
        assertThat(store("plugin-b").count("*")).isEqualTo(1);
        assertThat(store("plugin-b").getString("k1")).contains("other namespace");
    }

    private void soundCheck() {
        for (int i = 0; i < 50; i++) {
            if (i % 2 == 0) {
                store("plugin-a").setString("k" + i, "v" + i, LONG_TTL);
            } else {
                store("plugin-a").setString("k" + i, "v" + i);
            }
        }
        store("plugin-a").namespace("child").setString("k", "v");
        store("plugin-a").delete("k3");
        assertThat(((IntegrityCheck) engine().backend()).checkIntegrity()).isEmpty();
    }
}
