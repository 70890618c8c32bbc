package dev.plinth.api.plugin;

import java.util.Optional;

/**
 * Lets a plugin publish an implementation of an interface for other plugins to use, the way an auth
 * plugin looks up a token-revocation service published by a session plugin. Thread-safe.
 *
 * <p>Publish in {@link Plugin#init} and declare the publisher as a dependency of the consumer: the
 * publisher is then initialised first, so the service is there when the consumer's {@code init} looks it
 * up. Services are withdrawn when their publisher shuts down.
 */
public interface ServiceRegistry {

    /**
     * Publishes {@code implementation} under {@code type}.
     *
     * @param type the interface consumers look up; never {@code null}
     * @param implementation the implementation; never {@code null}
     * @param <T> the service type
     * @throws IllegalStateException when another plugin already published {@code type}; the message names
     *     both plugins
     */
    <T> void publish(Class<T> type, T implementation);

    /**
     * @param type the service interface
     * @param <T> the service type
     * @return the published implementation, or empty when none is published
     */
    <T> Optional<T> find(Class<T> type);

    /**
     * @param type the service interface
     * @param <T> the service type
     * @return the published implementation
     * @throws IllegalStateException when none is published; the message names the type and the plugin
     *     asking, and suggests declaring a dependency on the publisher
     */
    <T> T require(Class<T> type);
}
