package dev.plinth.examples.visits;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.api.storage.KeyValueStore;
import org.slf4j.Logger;

/**
 * Counts runs of the host with an atomic increment of {@code count}. On a durable provider a second run
 * shows the count of the first plus one.
 */
public final class VisitCounterPlugin implements Plugin {
    private KeyValueStore store;
    private Logger log;
    private long visits;

    @Override
    public String id() {
        return "visits";
    }

    @Override
    public void init(PluginContext context) {
        this.store = context.storage();
        this.log = context.logger();
    }

    @Override
    public void start() {
        visits = store.increment("count", 1);
        log.info("visits: this is visit #{}", visits);
    }

    /** @return the count after this run's increment */
    public long visits() {
        return visits;
    }
}
