package dev.plinth.core.storage;

import dev.plinth.spi.storage.BackendContext;
import dev.plinth.spi.storage.ChangeListener;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;

/** The {@link BackendContext} an engine opens its backend with. Immutable. */
record EngineContext(ChangeListener changes, InstantSource clock, ScheduledExecutorService scheduler)
        implements BackendContext {}
