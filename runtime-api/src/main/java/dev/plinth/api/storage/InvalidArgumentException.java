package dev.plinth.api.storage;

/**
 * An argument other than a key, pattern or value is out of its documented range: a TTL, lock wait or
 * lease that is not positive or is longer than {@link KeyValueStore#MAX_DURATION}, a listing limit under
 * 1. Thrown before anything is read or changed. The message names the argument and quotes its value.
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
        super("Invalid " + argument + ": " + problem);
        this.argument = argument;
    }

    /** @return the parameter's name, for example {@code ttl}, {@code lease}, {@code limit} */
    public String argument() {
        return argument;
    }
}
