package dev.plinth.cli;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.admin.StorageAdmin;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Prints a scope's change events as they happen until Ctrl-C (or {@code --count} events). Sees other
 * processes' writes on providers with cross-process events (SQLite, Redis); on the others, only this
 * process's.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Print a scope's changes as they happen, until Ctrl-C.",
            "Other processes' changes are seen on providers with cross-process events (sqlite, redis)."
        })
final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    PlinthCli root;

    @Parameters(index = "0", paramLabel = "<scope>")
    String scope = "";

    @Parameters(index = "1", arity = "0..1", paramLabel = "<pattern>", description = "a glob (default *)")
    String pattern = "*";

    @Option(names = "--json", description = "one JSON object per event: type, scope, key, version, dropped")
    boolean json;

    @Option(names = "--count", paramLabel = "N", description = "exit after N events (default: run until Ctrl-C)")
    long count;

    @Override
    public Integer call() throws InterruptedException {
        PlinthCli r = Cli.root(root);
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong seen = new AtomicLong();
        try (StorageAdmin admin = r.open()) {
            Thread hook = new Thread(done::countDown, "plinth-watch-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            Subscription subscription = admin.watch(scope, pattern, event -> {
                synchronized (r.out) {
                    r.out.println(json ? asJson(event) : asText(event));
                    r.out.flush();
                }
                if (count > 0 && seen.incrementAndGet() >= count) {
                    done.countDown();
                }
            });
            try {
                r.err.println("plinth: watching scope '" + scope + "' for '" + pattern + "' (Ctrl-C stops)");
                done.await();
            } finally {
                subscription.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the JVM is already on its way out
                }
            }
        }
        return ExitCodes.OK;
    }

    private static String asText(ChangeEvent e) {
        StringBuilder b = new StringBuilder(e.type().name()).append(' ').append(e.namespace());
        e.key().ifPresent(k -> b.append(' ').append(k));
        e.version().ifPresent(v -> b.append(" v").append(v));
        if (e.droppedEvents() != 0) {
            b.append(" dropped=").append(e.droppedEvents());
        }
        return b.toString();
    }

    private static String asJson(ChangeEvent e) {
        return Json.object(g -> {
            g.writeStringField("type", e.type().name());
            g.writeStringField("scope", e.namespace());
            if (e.key().isPresent()) {
                g.writeStringField("key", e.key().get());
            }
            if (e.version().isPresent()) {
                g.writeNumberField("version", e.version().getAsLong());
            }
            g.writeNumberField("dropped", e.droppedEvents());
        });
    }
}
