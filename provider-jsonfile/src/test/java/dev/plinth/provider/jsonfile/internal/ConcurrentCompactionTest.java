package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers race background compactions (a tiny threshold makes them frequent); whatever state memory ends
 * in must be exactly what a reopen loads, proving the fuzzy snapshots plus journal replay lose nothing.
 */
class ConcurrentCompactionTest {
    private static final List<Namespace> SPACES =
            List.of(Namespace.of("a"), Namespace.of("b"), Namespace.of("a").child("nested"));

    @TempDir
    Path dir;

    @Test
    void stateAfterConcurrentWritesAndCompactionsIsWhatReopenLoads() throws Exception {
        JsonFileSettings s = Backends.settings(dir);
        for (Durability durability : Durability.values()) {
            Path folder = dir.resolve(durability.name());
            JsonFileSettings settings =
                    new JsonFileSettings(folder, durability, Duration.ofMillis(5), 4_000, 0, s.sweepInterval());
            Map<String, String> before;
            try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
                ExecutorService pool = Executors.newFixedThreadPool(4);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    done.add(pool.submit(() -> writeRandomly(b, new Random(seed), 1_500)));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                pool.shutdown();
                b.compactNow();
                b.set(SPACES.get(0), "last", utf8("after the last compaction"), 0);
                before = dump(b);
            }
            assertThat(before).isNotEmpty();
            assertThat(Manifest.read(folder.resolve(FileNames.MANIFEST)).generation())
                    .as("background compactions that raced the writers, then the final one")
                    .isGreaterThanOrEqualTo(2);
            try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
                assertThat(dump(b)).isEqualTo(before);
            }
        }
    }

    private static void writeRandomly(JsonFileStorageBackend b, Random r, int ops) {
        for (int i = 0; i < ops; i++) {
            Namespace ns = SPACES.get(r.nextInt(SPACES.size()));
            String key = "k" + r.nextInt(60);
            int op = r.nextInt(100);
            if (op < 60) {
                b.set(ns, key, utf8("v" + i + "-" + r.nextInt()), 0);
            } else if (op < 75) {
                b.delete(ns, key);
            } else if (op < 85) {
                b.increment(ns, "counter" + r.nextInt(3), 1);
            } else if (op < 97) {
                b.commit(
                        ns,
                        Commit.of(
                                new Write.Put(key, utf8("tx" + i), 0),
                                new Write.Remove("k" + r.nextInt(60)),
                                new Write.Put("k" + r.nextInt(60), utf8("tx2"), 0)));
            } else {
                b.clear(ns);
            }
        }
    }

    private static Map<String, String> dump(JsonFileStorageBackend b) {
        Map<String, String> out = new TreeMap<>();
        for (Namespace ns : SPACES) {
            for (String key : b.list(ns, GlobPattern.compile("*"), null, 10_000)) {
                BackendEntry e = present(b.get(ns, key));
                out.put(ns + " " + key, text(e.value()) + " v" + e.version());
            }
        }
        return out;
    }
}
