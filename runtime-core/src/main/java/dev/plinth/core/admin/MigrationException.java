package dev.plinth.core.admin;

import dev.plinth.api.PlinthException;
import org.jspecify.annotations.Nullable;

/**
 * A migration that cannot start or go on: a non-empty target without {@link MigrateOptions#allowNonEmptyTarget},
 * a state file of another migration, a state file that cannot be written. Nothing in the source is changed by
 * a migration, ever.
 */
public class MigrationException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and what to do
     * @param cause the underlying error, if any
     */
    public MigrationException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
