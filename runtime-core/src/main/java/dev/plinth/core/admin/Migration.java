package dev.plinth.core.admin;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.BulkLoad;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Copies scopes from one admin's backend to another's, scope by scope, page by page (one target commit per
 * page, remaining TTLs kept), then verifies each scope (counts and {@link ScopeDigest}) before recording it
 * in the {@link MigrationState}. A rerun after a crash skips the recorded scopes and redoes the one that was
 * in progress from an empty scope, so it ends with the same target as an uninterrupted run.
 *
 * <p>Into a target known to be empty (a non-empty one is refused, and a resumed scope is cleared first) the
 * pages go through the target's {@link BulkLoad} when it has one, which need not read what is there; with
 * {@link MigrateOptions#allowNonEmptyTarget()} they are ordinary commits, which replace keys of the same name
 * correctly. The verification reads the two sides at the same time, each in key order.
 */
final class Migration {
    private static final int PAGES_AHEAD = 2;
    /**
     * Target writes at once: two, so the target works on one page while the next is encoded and sent (one
     * page of a thousand keys is a few milliseconds of Redis time, about what the client needs to send it).
     */
    private static final int WRITES_IN_FLIGHT = 2;

    private static final Object END = new Object();

    private final StorageAdmin source;
    private final StorageAdmin target;
    private final MigrateOptions options;
    private final Consumer<String> progress;
    private final BulkProgress bar;
    /** The target's bulk load, when it has one and the target is known to be empty; else {@code null}. */
    private final @Nullable BulkLoad bulk;

    private long total = -1;
    private long copiedSoFar;
    private long sourceWaitNanos;
    private final AtomicLong verifiedSoFar = new AtomicLong();

    Migration(
            StorageAdmin source,
            StorageAdmin target,
            MigrateOptions options,
            Consumer<String> progress,
            BulkProgress bar) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.progress = progress;
        this.bar = bar;
        this.bulk = !options.allowNonEmptyTarget() && target.backend() instanceof BulkLoad b ? b : null;
    }

    MigrationReport run() {
        long started = System.nanoTime();
        List<String> scopes =
                options.scopes().isEmpty() ? new ArrayList<>(source.scopes().keySet()) : options.scopes();
        Namespace[] parsed = scopes.stream().map(StorageAdmin::scope).toArray(Namespace[]::new);
        total = expectedKeys(scopes);
        Path state = options.stateFile();
        // Decided before the state file is created: a refused run must leave no file that a rerun would take
        // for an interrupted migration (and so clear target scopes it was never allowed to touch).
        if (!(state != null && MigrationState.exists(state)) && !options.allowNonEmptyTarget()) {
            refuseNonEmptyTarget();
        }
        MigrationState file = state == null
                ? null
                : MigrationState.open(state, source.providerId(), target.providerId(), options.allowNonEmptyTarget());
        List<MigrationReport.ScopeResult> results = new ArrayList<>();
        long verifyNanos = 0;
        try {
            boolean clearUnfinished = file != null && file.resumed() && !file.allowNonEmpty();
            for (Namespace ns : parsed) {
                boolean done = file != null && file.isDone(ns.path());
                long copied = 0;
                if (!done) {
                    if (clearUnfinished) {
                        // The interrupted run may have written part of this scope: start it again from empty.
                        target.store(ns.path()).clear();
                    }
                    copied = copy(ns);
                }
                long verifying = System.nanoTime();
                MigrationReport.ScopeResult r = verify(ns, copied, done);
                verifyNanos += System.nanoTime() - verifying;
                results.add(r);
                progress.accept(describe(r));
                if (!done && r.verified() && file != null) {
                    file.markDone(ns.path(), r.targetCount(), r.targetChecksum());
                }
            }
            MigrationReport report = new MigrationReport(
                    source.providerId(),
                    target.providerId(),
                    results,
                    (System.nanoTime() - started) / 1_000_000,
                    verifyNanos / 1_000_000,
                    sourceWaitNanos / 1_000_000);
            if (file != null && report.ok()) {
                file.finish();
            }
            return report;
        } finally {
            if (file != null) {
                file.close();
            }
        }
    }

    /** @return the source's live keys in {@code scopes} when it can list them (for the progress bar), else -1 */
    private long expectedKeys(List<String> scopes) {
        return source.scopesIfListable().isEmpty() ? -1 : sum(source.scopes(), scopes);
    }

    private static long sum(Map<String, Long> counts, List<String> scopes) {
        long n = 0;
        for (String s : scopes) {
            n += counts.getOrDefault(s, 0L);
        }
        return n;
    }

    private void refuseNonEmptyTarget() {
        List<String> held = new ArrayList<>(target.scopesIfListable().orElseGet(List::of));
        if (held.isEmpty() && target.scopesIfListable().isEmpty()) {
            for (String s : options.scopes().isEmpty() ? source.scopes().keySet() : options.scopes()) {
                if (target.store(s).count("*") > 0) {
                    held.add(s);
                }
            }
        }
        if (!held.isEmpty()) {
            throw new MigrationException(
                    "The target storage provider '" + target.providerId() + "' already holds data (scopes "
                            + (held.size() > 5 ? held.subList(0, 5) + " and " + (held.size() - 5) + " more" : held)
                            + "): migrate into an empty target, or allow it (--allow-non-empty /"
                            + " MigrateOptions.allowNonEmptyTarget) to replace keys of the same name",
                    null);
        }
    }

    /**
     * Copies one scope: a reader thread fetches the next pages from the source while up to
     * {@link #WRITES_IN_FLIGHT} pages are written to the target at once, so source reads, client-side
     * encoding and the target's round trips overlap (the pages hold distinct keys, so their order does not
     * matter). At most {@link #PAGES_AHEAD} pages wait between reader and writers, so memory stays bounded by a
     * few pages whatever the scope's size.
     */
    private long copy(Namespace ns) {
        StorageBackend from = source.backend();
        StorageBackend to = target.backend();
        BlockingQueue<Object> pages = new ArrayBlockingQueue<>(PAGES_AHEAD);
        Thread reader = new Thread(
                () -> {
                    Object last = END;
                    try {
                        Entries.forEachPage(from, ns, options.batchSize(), page -> handOver(pages, page));
                    } catch (ReaderStopped stopped) {
                        return;
                    } catch (RuntimeException | Error e) {
                        last = e;
                    }
                    try {
                        pages.put(last);
                    } catch (InterruptedException stopped) {
                        // the writer gave up first; nobody is waiting for this
                    }
                },
                "plinth-migrate-reader");
        reader.setDaemon(true);
        reader.start();
        ExecutorService writers = Executors.newFixedThreadPool(WRITES_IN_FLIGHT, r -> {
            Thread t = new Thread(r, "plinth-migrate-writer");
            t.setDaemon(true);
            return t;
        });
        Deque<Future<Long>> inFlight = new ArrayDeque<>(WRITES_IN_FLIGHT);
        long copied = 0;
        try {
            while (true) {
                long waiting = System.nanoTime();
                Object next = take(pages);
                sourceWaitNanos += System.nanoTime() - waiting;
                if (next == END) {
                    while (!inFlight.isEmpty()) {
                        copied += written(inFlight.removeFirst());
                    }
                    return copied;
                }
                if (next instanceof RuntimeException e) {
                    throw e;
                }
                if (next instanceof Error e) {
                    throw e;
                }
                @SuppressWarnings("unchecked")
                List<BackendEntry> page = (List<BackendEntry>) next;
                if (inFlight.size() == WRITES_IN_FLIGHT) {
                    copied += written(inFlight.removeFirst());
                }
                inFlight.addLast(writers.submit(() -> write(to, ns, page)));
            }
        } finally {
            writers.shutdownNow(); // after a failure: stop the other write; after END all have ended
            reader.interrupt(); // a failed write stops the reader; after END it has ended already
        }
    }

    /** Waits for one page's write and reports it; its failure is the copy's failure. */
    private long written(Future<Long> write) {
        long n;
        try {
            n = write.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("Interrupted while migrating; run it again to resume", e);
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
        copiedSoFar += n;
        bar.update("copy", copiedSoFar, total);
        return n;
    }

    private static RuntimeException rethrown(ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
            return r;
        }
        if (e.getCause() instanceof Error r) {
            throw r;
        }
        return new IllegalStateException(e.getCause());
    }

    /** Writes one page with the remaining TTLs as of now (so absolute expiries are kept); skips the expired. */
    private long write(StorageBackend to, Namespace ns, List<BackendEntry> page) {
        long now = source.clock().millis();
        List<Write.Put> writes = new ArrayList<>(page.size());
        for (BackendEntry e : page) {
            long ttl = StorageBackend.NO_EXPIRY;
            if (e.expiresAtMillis() != StorageBackend.NO_EXPIRY) {
                ttl = e.expiresAtMillis() - now;
                if (ttl <= 0) {
                    continue; // expired since it was read
                }
            }
            writes.add(new Write.Put(e.key(), e.value(), ttl));
        }
        if (writes.isEmpty()) {
            return 0;
        }
        if (bulk != null) {
            bulk.loadNew(ns, writes);
        } else {
            to.commit(ns, new Commit(List.of(), List.copyOf(writes)));
        }
        return writes.size();
    }

    private static void handOver(BlockingQueue<Object> pages, Object item) {
        try {
            pages.put(item);
        } catch (InterruptedException e) {
            // The writer gave up (it failed and interrupted us): stop reading.
            throw new ReaderStopped();
        }
    }

    /** Ends the reader thread once the writer stopped taking pages. */
    private static final class ReaderStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReaderStopped() {
            super(null, null, false, false);
        }
    }

    private static Object take(BlockingQueue<Object> pages) {
        try {
            return pages.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("Interrupted while migrating; run it again to resume", e);
        }
    }

    /**
     * Digests the source on a thread of its own while this one digests the target: the two reads overlap, so
     * verifying costs about the slower side rather than the sum of both.
     */
    private MigrationReport.ScopeResult verify(Namespace ns, long copied, boolean resumed) {
        CompletableFuture<ScopeDigest> sourceSide = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try {
                        sourceSide.complete(digest(source.backend(), ns, false));
                    } catch (RuntimeException | Error e) {
                        sourceSide.completeExceptionally(e);
                    }
                },
                "plinth-migrate-verify");
        reader.setDaemon(true);
        reader.start();
        ScopeDigest b = digest(target.backend(), ns, true);
        ScopeDigest a = join(sourceSide);
        return new MigrationReport.ScopeResult(ns.path(), copied, resumed, a.count(), b.count(), a.hex(), b.hex());
    }

    private static ScopeDigest join(CompletableFuture<ScopeDigest> side) {
        try {
            return side.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("Interrupted while verifying; run it again to resume", e);
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    private ScopeDigest digest(StorageBackend backend, Namespace ns, boolean reports) {
        ScopeDigest d = new ScopeDigest();
        Entries.forEachPage(backend, ns, options.batchSize(), page -> {
            page.forEach(d::add);
            if (reports) {
                bar.update("verify", verifiedSoFar.addAndGet(page.size()), total);
            }
        });
        return d;
    }

    private static String describe(MigrationReport.ScopeResult r) {
        return "scope " + r.scope() + ": " + (r.resumed() ? "finished earlier" : "copied " + r.copied())
                + ", source " + r.sourceCount() + " / target " + r.targetCount() + " keys, "
                + (r.verified() ? "verified" : "MISMATCH") + " (sha-256 " + abbreviate(r.targetChecksum()) + ")";
    }

    static String abbreviate(@Nullable String hex) {
        return hex == null || hex.length() < 12 ? String.valueOf(hex) : hex.substring(0, 12);
    }
}
