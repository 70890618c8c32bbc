package dev.plinth.core.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the plugins folder ({@code plinth.plugins.watch=true}) by polling it: an archive that is new or
 * changed (size or modification time) is handed on once it has stopped changing, that is once two polls a
 * period apart saw it the same, so a copy in progress is never read half-written. What is there when the
 * watch starts counts as seen. An archive whose install or reload was refused is tried again when it
 * changes, or when another archive leaves the folder (the refusal may have been a duplicate id). Polling
 * rather than {@code java.nio.file.WatchService}: the latter reports a file when it is created, not when
 * its writer is done, and misses changes on some network and container file systems. One daemon thread,
 * created by the thread that starts the watch; {@link #close()} stops it.
 */
final class FolderWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FolderWatch.class);

    private record Stamp(long size, FileTime modified) {}

    private final Path folder;
    private final Consumer<Path> changed;
    private final Map<Path, Stamp> seen = new HashMap<>();
    private final Map<Path, Stamp> settling = new HashMap<>();
    private final Set<Path> refused = new HashSet<>();
    private final ScheduledThreadPoolExecutor timer;

    /**
     * @param folder the plugins folder
     * @param changed called, on the watch's thread, with each archive that appeared or changed and has
     *     settled; it throws to say the archive was refused
     * @param period time between two polls
     */
    FolderWatch(Path folder, Consumer<Path> changed, Duration period) {
        this.folder = folder;
        this.changed = changed;
        for (Path f : ArchiveFolder.list(folder)) {
            Stamp s = stamp(f);
            if (s != null) {
                seen.put(f, s);
            }
        }
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "plinth-plugins-watch");
            t.setDaemon(true);
            return t;
        });
        var unused = timer.scheduleWithFixedDelay(
                this::pollSafely, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("Watching the plugins folder {} failed; trying again", folder, e);
        }
    }

    /** One poll; runs on the watch's thread only. */
    void poll() {
        List<Path> now = ArchiveFolder.list(folder);
        if (seen.keySet().stream().anyMatch(p -> !now.contains(p))) {
            // an archive left: one refused as a duplicate id may be taken now
            refused.forEach(seen::remove);
            refused.clear();
        }
        seen.keySet().retainAll(now);
        settling.keySet().retainAll(now);
        for (Path f : now) {
            Stamp s = stamp(f);
            if (s == null || s.equals(seen.get(f))) {
                settling.remove(f);
                continue;
            }
            Stamp before = settling.put(f, s);
            if (!s.equals(before)) {
                continue;
            }
            settling.remove(f);
            seen.put(f, s);
            try {
                changed.accept(f);
                refused.remove(f);
            } catch (RuntimeException e) {
                refused.add(f);
                LOG.warn("Plugin archive {} changed but was not taken: {}", f, e.getMessage());
            }
        }
    }

    private static Stamp stamp(Path f) {
        try {
            return new Stamp(Files.size(f), Files.getLastModifiedTime(f));
        } catch (IOException e) {
            return null;
        }
    }

    /** Stops polling; a poll in progress finishes. Idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
