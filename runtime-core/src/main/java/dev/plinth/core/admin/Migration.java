package dev.plinth.core.admin;

import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Copies scopes from one admin's backend to another's, scope by scope, page by page (one target commit per
 * page, remaining TTLs kept), then verifies each scope (counts and {@link ScopeDigest}) before recording it
 * in the {@link MigrationState}. A rerun after a crash skips the recorded scopes and redoes the one that was
 * in progress from an empty scope, so it ends with the same target as an uninterrupted run.
 */
final class Migration {
    private static final int PAGES_AHEAD = 2;
    private static final Object END = new Object();

    private final StorageAdmin source;
    private final StorageAdmin target;
    private final MigrateOptions options;
    private final Consumer<String> progress;

    Migration(StorageAdmin source, StorageAdmin target, MigrateOptions options, Consumer<String> progress) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.progress = progress;
    }

    MigrationReport run() {
        long started = System.nanoTime();
        List<String> scopes =
                options.scopes().isEmpty() ? new ArrayList<>(source.scopes().keySet()) : options.scopes();
        Namespace[] parsed = scopes.stream().map(StorageAdmin::scope).toArray(Namespace[]::new);
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
                    verifyNanos / 1_000_000);
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
     * Copies one scope: a reader thread fetches the next page from the source while this thread writes the
     * current one to the target, so the two round trips overlap. At most {@link #PAGES_AHEAD} pages wait
     * between them, so memory stays bounded by a few pages whatever the scope's size.
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
        long copied = 0;
        try {
            while (true) {
                Object next = take(pages);
                if (next == END) {
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
                copied += write(to, ns, page);
            }
        } finally {
            reader.interrupt(); // a failed write stops the reader; after END it has ended already
        }
    }

    /** Writes one page with the remaining TTLs as of now (so absolute expiries are kept); skips the expired. */
    private long write(StorageBackend to, Namespace ns, List<BackendEntry> page) {
        long now = source.clock().millis();
        List<Write> writes = new ArrayList<>(page.size());
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
        if (!writes.isEmpty()) {
            to.commit(ns, new Commit(List.of(), writes));
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

    private MigrationReport.ScopeResult verify(Namespace ns, long copied, boolean resumed) {
        ScopeDigest a = digest(source.backend(), ns);
        ScopeDigest b = digest(target.backend(), ns);
        return new MigrationReport.ScopeResult(ns.path(), copied, resumed, a.count(), b.count(), a.hex(), b.hex());
    }

    private ScopeDigest digest(StorageBackend backend, Namespace ns) {
        ScopeDigest d = new ScopeDigest();
        Entries.forEachPage(backend, ns, options.batchSize(), page -> page.forEach(d::add));
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
