package dev.plinth.core.lifecycle;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services of one runtime, keyed by type, each remembering its publisher. Plugins see it through a
 * {@link PluginServices} view that knows who is asking. Thread-safe; lookups take no lock.
 */
public final class SharedServices {
    private final Map<Class<?>, Published> services = new ConcurrentHashMap<>();

    private record Published(String publisher, Object implementation) {}

    /**
     * @param publisher the publishing plugin
     * @param type the service type
     * @param implementation the implementation
     * @param <T> the service type
     * @throws IllegalStateException when another plugin already published {@code type}, naming both
     * @throws IllegalArgumentException when {@code implementation} is not a {@code type}
     */
    public <T> void publish(String publisher, Class<T> type, T implementation) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(implementation, "implementation");
        if (!type.isInstance(implementation)) {
            throw new IllegalArgumentException(implementation.getClass().getName() + " is not a " + type.getName());
        }
        Published mine = new Published(publisher, implementation);
        Published result =
                services.merge(type, mine, (old, neu) -> old.publisher().equals(publisher) ? neu : old);
        // Identity on purpose: only this call's own record means the merge kept it.
        @SuppressWarnings("ReferenceEquality")
        boolean kept = result == mine;
        if (!kept) {
            throw new IllegalStateException("Plugin '" + publisher + "' cannot publish service " + type.getName()
                    + ": plugin '" + result.publisher() + "' already published it");
        }
    }

    /**
     * @param type the service type
     * @param <T> the service type
     * @return the implementation, if published
     */
    public <T> Optional<T> find(Class<T> type) {
        Published p = services.get(type);
        return p == null ? Optional.empty() : Optional.of(type.cast(p.implementation()));
    }

    /**
     * Removes everything {@code publisher} published; called when it shuts down.
     *
     * @param publisher the plugin
     */
    public void withdraw(String publisher) {
        services.values().removeIf(p -> p.publisher().equals(publisher));
    }
}
