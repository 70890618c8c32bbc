package dev.plinth.provider.jsonfile;

import dev.plinth.api.storage.StorageOpenException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The data folder is owned by another runtime (in this or another process): only one may open it at a
 * time. Retryable: opening again succeeds once that owner has closed the folder or exited.
 *
 * <p>Immutable, like every exception of the storage API.
 */
public class FolderInUseException extends StorageOpenException {
    private static final long serialVersionUID = 1L;
    /** The folder, kept for callers; not serialized. */
    private final transient Path folder;
    /** What the owner recorded about itself, when readable. */
    private final String owner;

    /**
     * @param folder the data folder; not {@code null}
     * @param owner the owner's description (pid, host, since), or {@code null} when unknown
     * @throws NullPointerException when {@code folder} is {@code null}
     */
    public FolderInUseException(Path folder, String owner) {
        super(
                JsonFileStorageProvider.ID,
                "folder " + Objects.requireNonNull(folder, "folder")
                        + " is already in use by another Plinth runtime (" + (owner == null ? "owner unknown" : owner)
                        + "); stop it or configure another directory",
                null,
                true);
        this.folder = folder;
        this.owner = owner;
    }

    /** @return the data folder; {@code null} only after deserialization */
    public Path folder() {
        return folder;
    }

    /** @return the owner's description (pid, host, since), when it could be read; never {@code null} */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }
}
