package dev.plinth.provider.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Write;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Closing: idempotent, the sweep leaves the runtime's scheduler, every later call is refused. */
class MemoryCloseTest extends BackendFixture {

    @Test
    void closeIsIdempotentCancelsTheSweepAndRefusesEveryLaterCall() {
        ScheduledThreadPoolExecutor pool = (ScheduledThreadPoolExecutor) scheduler;
        int before = pool.getQueue().size();
        MemoryStorageBackend backend = open(Map.of("sweepInterval", "10ms"));
        backend.set(NS, "k", bytes("x"), 0);
        assertThat(pool.getQueue())
                .as("the sweep is scheduled on the runtime's scheduler")
                .hasSize(before + 1);

        backend.close();
        backend.close();
        pool.purge();
        assertThat(pool.getQueue()).as("the sweep was cancelled").hasSize(before);
        GlobPattern all = GlobPattern.compile("*");
        List<Executable> calls = List.of(
                () -> backend.get(NS, "k"),
                () -> backend.read(NS, List.of("k")),
                () -> backend.exists(NS, "k"),
                () -> backend.set(NS, "k", bytes("x"), 0),
                () -> backend.compareAndSet(NS, "k", 0, bytes("x"), 0),
                () -> backend.increment(NS, "k", 1),
                () -> backend.delete(NS, "k"),
                () -> backend.expire(NS, "k", 10),
                () -> backend.list(NS, all, null, 10),
                () -> backend.count(NS, all),
                () -> backend.deleteMatching(NS, all),
                () -> backend.clear(NS),
                () -> backend.commit(NS, writes(new Write.Remove("k"))));
        for (Executable call : calls) {
            assertThatThrownBy(call::execute).isInstanceOf(StoreClosedException.class);
        }
    }

    @Test
    void eachOpenIsAFreshEmptyStore() {
        MemoryStorageBackend first = open(Map.of());
        first.set(NS, "k", bytes("x"), 0);
        MemoryStorageBackend second = open(Map.of());
        assertThat(second.exists(NS, "k")).isFalse();
    }
}
