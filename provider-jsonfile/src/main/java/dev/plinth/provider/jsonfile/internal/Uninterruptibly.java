package dev.plinth.provider.jsonfile.internal;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Runs a short operation on a channel of its own (the folder's fsync, taking the folder lock) so that the
 * caller's interrupt cannot make it fail: an interrupted thread closes any FileChannel it touches, and these
 * two have no {@code java.io} equivalent. The interrupt status is cleared for the operation and set again
 * afterwards; an interrupt arriving during it costs one retry on a new channel.
 */
final class Uninterruptibly {
    /** Each retry follows a fresh interrupt; a thread interrupted this often in a row is refused. */
    private static final int MAX_ATTEMPTS = 100;

    /** An operation that opens its own channel each time it runs. */
    @FunctionalInterface
    interface Action<T> {
        T run() throws IOException;
    }

    private Uninterruptibly() {}

    static <T> T call(Action<T> action) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return action.run();
                } catch (ClosedByInterruptException e) {
                    interrupted |= Thread.interrupted();
                    if (attempt == MAX_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
