package dev.plinth.api.storage;

import org.jspecify.annotations.Nullable;

/**
 * An argument other than a key, pattern or value is out of its documented range: a TTL, lock wait or
 * lease that is not positive or is longer than {@link KeyValueStore#MAX_DURATION}, a listing limit under
 * 1, a nested namespace's name that breaks the grammar. Thrown before anything is read or changed. The message names the argument and quotes its value.
 */
public class InvalidArgumentException extends StorageException {
    private static final long serialVersionUID = 1L;
    /** The argument's name, kept for callers that handle this exception. */
    private final String argument;

    /**
     * @param argument the parameter's name, for example {@code ttl}
     * @param problem what is wrong, quoting the value
     */
    public InvalidArgumentException(String argument, String problem) {
        this(argument, problem, null);
    }

    /**
     * @param argument the parameter's name, for example {@code name}
     * @param problem what is wrong, quoting the value
     * @param cause the check that refused it, may be {@code null}
     */
    public InvalidArgumentException(String argument, String problem, @Nullable Throwable cause) {
        super("Invalid " + argument + ": " + problem, cause);
        this.argument = argument;
    }

    /** @return the parameter's name, for example {@code ttl}, {@code lease}, {@code limit} */
    public String argument() {
        return argument;
    }
}
