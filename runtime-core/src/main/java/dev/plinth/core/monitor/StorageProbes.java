package dev.plinth.core.monitor;

import dev.plinth.api.health.Health;
import dev.plinth.api.health.HealthCheck;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.HealthProbe;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.util.List;

/**
 * The storage part of health, chosen once when the monitor is made: the backend's own {@link HealthProbe}
 * when it has that optional part, else the runtime's default, a read of one key in a namespace of its own
 * (reachable or not; the backend's exception is the reason).
 */
final class StorageProbes {
    /** Where the default probe reads. A plugin of that id would see nothing change: the probe only reads. */
    static final Namespace PROBE_NAMESPACE = Namespace.of("plinth-health");

    static final String PROBE_KEY = "probe";

    private StorageProbes() {}

    static HealthCheck of(StorageEngine engine) {
        StorageBackend backend = engine.backend();
        HealthCheck probe = backend instanceof HealthProbe
                ? ((HealthProbe) backend)::probe
                : () -> {
                    backend.read(PROBE_NAMESPACE, List.of(PROBE_KEY));
                    return Health.up();
                };
        return () -> engine.isClosed() ? Health.down("storage is closed") : probe.check();
    }
}
