package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.provider.jsonfile.FolderInUseException;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interrupted callers (issue 14, item 2): an interrupt may cost the interrupted caller its own call, never
 * another caller's. An interrupt closes a FileChannel that its thread is using, so these tests keep
 * interrupted threads writing, compacting, opening and closing while another plugin writes.
 */
class InterruptTest {
    private static final Namespace PLUGIN_A = Namespace.of("plugin-a");
    private static final Namespace PLUGIN_B = Namespace.of("plugin-b");
    private static final int INTERRUPTED_WRITES = 300;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void interruptedWritersNeverStopAnotherPluginsWrites(Durability durability) throws Exception {
        JsonFileSettings s = Backends.settings(dir);
        // A small threshold so background compactions (rotation, snapshots, manifest) run meanwhile.
        JsonFileSettings settings =
                new JsonFileSettings(dir, durability, Duration.ofMillis(2), 64 * 1024, 0, s.sweepInterval());
        // Last acknowledged value per key; a bounded key space keeps a fast batched writer's record small.
        String[] acknowledgedA = new String[2_000];
        AtomicInteger writesA = new AtomicInteger();
        List<String> acknowledgedB = new ArrayList<>();
        AtomicInteger interruptedFailures = new AtomicInteger();
        try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writerA = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        int k = i % acknowledgedA.length;
                        b.set(PLUGIN_A, "k" + k, utf8("value " + i), 0);
                        acknowledgedA[k] = "value " + i;
                        writesA.incrementAndGet();
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            });
            writerA.start();
            AtomicReference<Throwable> wrongInterruptedOutcome = new AtomicReference<>();
            Thread pluginB = new Thread(() -> {
                for (int i = 0; i < INTERRUPTED_WRITES; i++) {
                    Thread.currentThread().interrupt();
                    try {
                        b.set(PLUGIN_B, "k" + i, utf8("interrupted " + i), 0);
                        acknowledgedB.add("k" + i);
                    } catch (RuntimeException e) {
                        interruptedFailures.incrementAndGet();
                    }
                    if (!Thread.interrupted()) {
                        wrongInterruptedOutcome.compareAndSet(
                                null, new AssertionError("write " + i + " cleared its caller's interrupt status"));
                    }
                    if (i % 50 == 0) {
                        Thread.currentThread().interrupt();
                        b.compactNow();
                        Thread.interrupted();
                    }
                }
            });
            pluginB.start();
            pluginB.join();
            // Plugin A must go on writing after every interrupted call has been made.
            int before = writesA.get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (writerFailure.get() == null && writesA.get() < before + 200 && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            stop.set(true);
            writerA.join();
            assertThat(writerFailure.get()).as("plugin A's writer").isNull();
            assertThat(wrongInterruptedOutcome.get()).isNull();
            assertThat(writesA.get()).isGreaterThanOrEqualTo(before + 200);
            // A write made after the interrupts, by a thread that is not interrupted, works too.
            b.set(PLUGIN_B, "after", utf8("x"), 0);
        }
        System.out.printf(
                "%s: plugin A %d writes, plugin B %d of %d interrupted writes acknowledged, %d failed%n",
                durability, writesA.get(), acknowledgedB.size(), INTERRUPTED_WRITES, interruptedFailures.get());
        try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
            for (int k = 0; k < acknowledgedA.length; k++) {
                if (acknowledgedA[k] != null) {
                    assertThat(text(present(b.get(PLUGIN_A, "k" + k)).value())).isEqualTo(acknowledgedA[k]);
                }
            }
            for (String key : acknowledgedB) {
                assertThat(b.exists(PLUGIN_B, key))
                        .as("acknowledged interrupted %s", key)
                        .isTrue();
            }
            assertThat(b.exists(PLUGIN_B, "after")).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void anInterruptedThreadOpensAndClosesAndTheFolderStaysLocked(Durability durability) throws Exception {
        JsonFileSettings s = Backends.settings(dir);
        JsonFileSettings settings = new JsonFileSettings(
                dir, durability, Duration.ofMillis(5), s.compactionThreshold(), 0, s.sweepInterval());
        try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
            b.set(PLUGIN_A, "first", utf8("1"), 0);
        }
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            Thread.currentThread().interrupt();
            try {
                JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE);
                boolean stillInterrupted = Thread.currentThread().isInterrupted();
                try {
                    // The OS lock must really be held: a second opener is refused.
                    assertThatThrownBy(() -> Backends.open(settings, ChangeListener.NONE))
                            .isInstanceOf(FolderInUseException.class);
                    b.set(PLUGIN_A, "second", utf8("2"), 0);
                } finally {
                    Thread.currentThread().interrupt();
                    b.close();
                }
                outcome.set(
                        stillInterrupted && Thread.currentThread().isInterrupted()
                                ? "ok"
                                : "the interrupt status was cleared");
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        t.start();
        t.join();
        assertThat(outcome.get()).isEqualTo("ok");
        try (JsonFileStorageBackend b = Backends.open(settings, ChangeListener.NONE)) {
            assertThat(b.list(PLUGIN_A, GlobPattern.compile("*"), null, 10)).containsExactly("first", "second");
            assertThat(text(present(b.get(PLUGIN_A, "second")).value())).isEqualTo("2");
        }
    }
}
