package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store reads time from the runtime's clock wherever it measures expiry (reads, the sweep, loading),
 * and runs its sweep on the runtime's scheduler, whose task it cancels when it closes.
 */
class ClockAndSchedulerTest {
    private static final Namespace NS = Namespace.of("notes");
    /** 2001-09-09: far from the system clock, so a store reading that one instead would be caught. */
    private static final long START = 1_000_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong millis = new AtomicLong(START);
    private final InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final RecordingListener events = new RecordingListener();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private BackendContext context(ChangeListener changes, InstantSource time, ScheduledExecutorService runtime) {
        return new BackendContext() {
            @Override
            public ChangeListener changes() {
                return changes;
            }

            @Override
            public InstantSource clock() {
                return time;
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return runtime;
            }
        };
    }

    private JsonFileStorageBackend open(InstantSource time) {
        JsonFileSettings s = Backends.settings(dir);
        JsonFileSettings fastSweep = new JsonFileSettings(
                dir, s.durability(), s.flushInterval(), s.compactionThreshold(), 0, Duration.ofMillis(10));
        return JsonFileStorageBackend.open(fastSweep, context(events, time, scheduler), JournalFile.Opener.DEFAULT);
    }

    @Test
    void expiryIsMeasuredOnTheContextsClockAndTheSweepReportsIt() throws InterruptedException {
        try (JsonFileStorageBackend b = open(clock)) {
            b.set(NS, "t", utf8("x"), 1_000);
            assertThat(present(b.get(NS, "t")).expiresAtMillis()).isEqualTo(START + 1_000);
            assertThat(b.expire(NS, "t", 2_000)).isTrue();
            assertThat(present(b.get(NS, "t")).expiresAtMillis()).isEqualTo(START + 2_000);
            millis.addAndGet(1_999);
            assertThat(b.exists(NS, "t"))
                    .as("a millisecond before its deadline")
                    .isTrue();
            assertThat(events.events()).noneMatch(e -> e.startsWith("EXPIRE"));
            millis.incrementAndGet();
            assertThat(b.exists(NS, "t")).as("at its deadline").isFalse();
            assertThat(b.get(NS, "t")).isNull();
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).isEmpty();
            assertThat(b.count(NS, GlobPattern.compile("*"))).isZero();
            assertThat(Backends.eventually(() -> events.events().contains("EXPIRE notes t 0")))
                    .isTrue();
        }
    }

    @Test
    void loadingDropsWhatHasExpiredByTheContextsClock() {
        try (JsonFileStorageBackend b = open(clock)) {
            b.set(NS, "soon", utf8("x"), 60_000);
            b.set(NS, "later", utf8("x"), 120_000);
        }
        // By the system clock both deadlines (in 2001) passed long ago; by the context's, neither has.
        try (JsonFileStorageBackend b = open(clock)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("later", "soon");
        }
        millis.addAndGet(90_000);
        try (JsonFileStorageBackend b = open(clock)) {
            assertThat(b.list(NS, GlobPattern.compile("*"), null, 10)).containsExactly("later");
        }
        try (JsonFileStorageBackend b = open(InstantSource.system())) {
            assertThat(b.count(NS, GlobPattern.compile("*"))).isZero();
        }
    }

    @Test
    void theSweepIsOneTaskOnTheRuntimesSchedulerThatCloseCancels() {
        scheduler.setRemoveOnCancelPolicy(true);
        JsonFileStorageBackend b = open(clock);
        assertThat(scheduler.getQueue()).as("the expiry sweep").hasSize(1);
        b.close();
        assertThat(scheduler.getQueue()).as("cancelled by close").isEmpty();
        assertThat(scheduler.isShutdown()).as("the runtime's to shut down").isFalse();
    }
}
