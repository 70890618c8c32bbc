package dev.plinth.core.admin;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.spi.storage.IntegrityCheck;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.NamespaceListing;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.StorageProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Operator access to one storage provider's data, across every plugin's scope: list scopes and keys, read
 * and change single keys, watch changes, export to and import from the {@link ExportFormat}, migrate to
 * another provider, and run the provider's integrity check. The {@code plinth} command is a thin layer on
 * this class; a host can call it too (a backup on a schedule, say).
 *
 * <pre>{@code
 * try (StorageAdmin admin = StorageAdmin.open(PlinthConfig.standard(Path.of("plinth.properties")));
 *         OutputStream out = Files.newOutputStream(Path.of("backup.jsonl"))) {
 *     admin.exportTo(out, List.of());
 * }
 * }</pre>
 *
 * <p>A scope is a namespace path: a plugin id, then nested namespace names, joined with {@code /}
 * ({@code notes/archive}). Single-key operations go through the same validating store plugins use. Bulk
 * operations (export, import, migrate) work page by page and hold one page in memory, whatever the size of
 * the data. They write to the backend in batches (one commit each) and so bypass the runtime's per-plugin
 * watch delivery in this process for backends without a change feed (every shipped provider has one).
 *
 * <p>Thread-safe as its backend is; {@link #close()} closes the backend it opened.
 */
public final class StorageAdmin implements AutoCloseable {
    private final StorageEngine engine;
    private final StorageSettings settings;
    private final ClassLoader loader;

    private StorageAdmin(StorageEngine engine, StorageSettings settings, ClassLoader loader) {
        this.engine = engine;
        this.settings = settings;
        this.loader = loader;
    }

    /**
     * Opens the storage a runtime with this configuration would open (the same provider selection,
     * validation and options), without starting any plugin.
     *
     * @param config the configuration (file, environment, system properties)
     * @return the open admin
     * @throws ConfigurationException as {@link dev.plinth.core.PlinthRuntime#start()} would
     * @throws dev.plinth.api.storage.StorageOpenException when the provider cannot open its backend
     */
    public static StorageAdmin open(PlinthConfig config) {
        return open(config, StorageAdmin.class.getClassLoader());
    }

    /**
     * @param config the configuration
     * @param loader where storage providers are discovered
     * @return the open admin
     * @throws ConfigurationException as {@link #open(PlinthConfig)}
     * @throws dev.plinth.api.storage.StorageOpenException as {@link #open(PlinthConfig)}
     */
    public static StorageAdmin open(PlinthConfig config, ClassLoader loader) {
        ConfiguredStorage s = ConfiguredStorage.resolve(config, loader);
        return new StorageAdmin(StorageEngine.open(s.provider(), s.config(), s.settings()), s.settings(), loader);
    }

    /**
     * Opens a provider with options given directly (a migration's target, a test).
     *
     * @param provider the provider
     * @param config its options
     * @return the open admin
     * @throws dev.plinth.api.storage.StorageOpenException when the provider cannot open its backend
     */
    public static StorageAdmin open(StorageProvider provider, ProviderConfig config) {
        StorageSettings settings = StorageSettings.defaults();
        return new StorageAdmin(
                StorageEngine.open(provider, config, settings), settings, StorageAdmin.class.getClassLoader());
    }

    /**
     * Opens the discovered provider {@code providerId} with {@code options} (names without the
     * {@code plinth.storage.<id>.} prefix), as {@code plinth migrate --to <id> --to-option k=v} does.
     *
     * @param providerId the provider id
     * @param options raw option values by name
     * @param loader where providers are discovered
     * @return the open admin
     * @throws ConfigurationException naming the provider or option when it is unknown or invalid
     * @throws dev.plinth.api.storage.StorageOpenException when the provider cannot open its backend
     */
    public static StorageAdmin open(String providerId, Map<String, String> options, ClassLoader loader) {
        ConfiguredStorage s = ConfiguredStorage.direct(providerId, options, loader);
        return new StorageAdmin(StorageEngine.open(s.provider(), s.config(), s.settings()), s.settings(), loader);
    }

    /** @return the id of the provider this admin opened */
    public String providerId() {
        return engine.provider().id();
    }

    /**
     * @return every scope holding at least one live key, with its live key count, in scope order
     * @throws StorageException when the provider cannot list its scopes (it does not implement
     *     {@link NamespaceListing}), or the backend fails
     */
    public SortedMap<String, Long> scopes() {
        StorageBackend b = backend();
        if (!(b instanceof NamespaceListing listing)) {
            throw new StorageException("Storage provider '" + providerId()
                    + "' cannot list its scopes (its backend does not implement NamespaceListing): name the scopes");
        }
        SortedMap<String, Long> out = new TreeMap<>();
        listing.namespaces().forEach((ns, n) -> out.put(ns.path(), n));
        return out;
    }

    /** @return the scope paths when the provider can list them, else empty */
    Optional<List<String>> scopesIfListable() {
        return backend() instanceof NamespaceListing
                ? Optional.of(new ArrayList<>(scopes().keySet()))
                : Optional.empty();
    }

    /**
     * @param scope a scope path ({@code plugin} or {@code plugin/child/...})
     * @return the validating store of that scope, as the plugin sees it
     * @throws dev.plinth.api.plugin.InvalidPluginIdException when a segment of the path is not a valid id
     */
    public KeyValueStore store(String scope) {
        Namespace ns = scope(scope);
        String[] parts = ns.path().split("/", -1);
        KeyValueStore s = engine.store(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            s = s.namespace(parts[i]);
        }
        return s;
    }

    /**
     * @param scope a scope path
     * @param pattern a glob pattern ({@code *} for all)
     * @param limit the most keys to return, at least 1
     * @return matching live keys in UTF-8 order
     * @throws dev.plinth.api.storage.InvalidPatternException for a bad pattern
     * @throws dev.plinth.api.plugin.InvalidPluginIdException for a bad scope
     */
    public List<String> keys(String scope, String pattern, int limit) {
        return store(scope).keys(pattern, limit).keys();
    }

    /**
     * @param scope a scope path
     * @param key the key
     * @return the live entry, or empty
     * @throws dev.plinth.api.storage.InvalidKeyException for a bad key
     */
    public Optional<Entry> get(String scope, String key) {
        return store(scope).getEntry(key);
    }

    /**
     * @param scope a scope path
     * @param key the key
     * @param value the value bytes
     * @param ttl time to live, or {@code null} for never
     * @return the new version
     * @throws dev.plinth.api.storage.InvalidKeyException for a bad key
     * @throws dev.plinth.api.storage.ValueTooLargeException over {@code plinth.storage.maxValueBytes}
     */
    public long set(String scope, String key, byte[] value, @Nullable Duration ttl) {
        KeyValueStore s = store(scope);
        return ttl == null ? s.set(key, value) : s.set(key, value, ttl);
    }

    /**
     * @param scope a scope path
     * @param key the key
     * @return whether a live key was deleted
     * @throws dev.plinth.api.storage.InvalidKeyException for a bad key
     */
    public boolean delete(String scope, String key) {
        return store(scope).delete(key);
    }

    /**
     * @param scope a scope path
     * @param pattern a glob pattern
     * @return how many keys were deleted
     * @throws dev.plinth.api.storage.InvalidPatternException for a bad pattern
     */
    public long deleteMatching(String scope, String pattern) {
        return store(scope).deleteMatching(pattern);
    }

    /**
     * @param scope a scope path
     * @param key the key
     * @return the time left, or empty when the key is absent or never expires (tell these apart with
     *     {@link #get})
     * @throws dev.plinth.api.storage.InvalidKeyException for a bad key
     */
    public Optional<Duration> ttl(String scope, String key) {
        return store(scope).ttl(key);
    }

    /**
     * @param scope a scope path
     * @param pattern a glob pattern
     * @param listener gets each event, on the runtime's delivery thread
     * @return the subscription; close it to stop
     * @throws dev.plinth.api.storage.InvalidPatternException for a bad pattern
     */
    public Subscription watch(String scope, String pattern, Consumer<ChangeEvent> listener) {
        return store(scope).watch(pattern, listener);
    }

    /**
     * Writes the {@link ExportFormat} to {@code out}: header, every live key of the scopes, trailer. Streams;
     * flushes at the end and leaves {@code out} open. The scopes are read one after another, each page at one
     * moment, so it is a consistent snapshot only of data nobody writes meanwhile.
     *
     * @param out where to write
     * @param scopes the scopes to export, or empty for every scope
     * @return what was written
     * @throws StorageException when the backend fails or {@code out} cannot be written
     */
    public ExportReport exportTo(OutputStream out, Collection<String> scopes) {
        return exportTo(out, scopes, BulkProgress.NONE);
    }

    /**
     * {@link #exportTo(OutputStream, Collection)}, telling {@code bar} (phase {@code export}) how many keys are
     * written of the live keys the scopes held when it started ({@code -1} when the provider cannot count them).
     *
     * @param out where to write
     * @param scopes the scopes to export, or empty for every scope
     * @param bar told after each page
     * @return what was written
     * @throws StorageException when the backend fails or {@code out} cannot be written
     */
    public ExportReport exportTo(OutputStream out, Collection<String> scopes, BulkProgress bar) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(bar, "bar");
        // scopes() refuses a provider that cannot list them, which an export of every scope needs.
        SortedMap<String, Long> counts = scopes.isEmpty() || backend() instanceof NamespaceListing ? scopes() : null;
        List<Namespace> which = counts != null && scopes.isEmpty()
                ? counts.keySet().stream().map(StorageAdmin::scope).toList()
                : new TreeSet<>(scopes).stream().map(StorageAdmin::scope).toList();
        long total = -1;
        if (counts != null) {
            total = 0;
            for (Namespace ns : which) {
                total += counts.getOrDefault(ns.path(), 0L);
            }
        }
        long expected = total;
        ExportWriter w = new ExportWriter(out);
        w.header(providerId(), clock().instant());
        for (Namespace ns : which) {
            Entries.forEachPage(backend(), ns, MigrateOptions.DEFAULT_BATCH, page -> {
                page.forEach(e -> w.entry(ns, e));
                bar.update("export", w.entries(), expected);
            });
        }
        w.end();
        w.close();
        return new ExportReport(which.size(), w.entries());
    }

    /**
     * Reads the {@link ExportFormat} from {@code in} and writes its keys, each with its remaining TTL (its
     * absolute expiry kept); keys already expired are skipped. A bad line stops the import with an
     * {@link ExportFormatException} naming it, after every line before it was written and none after, unless
     * {@link ImportOptions#keepGoing()}.
     *
     * @param in the export
     * @param options conflict rule, bad-line rule, batch size
     * @return what was imported and skipped
     * @throws ExportFormatException for a bad line (header, JSON, field, base64, truncated file)
     * @throws ImportConflictException with {@link OnConflict#FAIL}, at the first key the target holds
     * @throws StorageException when the backend fails or {@code in} cannot be read
     */
    public ImportReport importFrom(InputStream in, ImportOptions options) {
        return importFrom(in, options, BulkProgress.NONE);
    }

    /**
     * {@link #importFrom(InputStream, ImportOptions)}, telling {@code bar} (phase {@code import}, total
     * {@code -1}: an export states its size only on its last line) how many keys were imported or skipped.
     *
     * @param in the export
     * @param options conflict rule, bad-line rule, batch size
     * @param bar told after each batch
     * @return what was imported and skipped
     * @throws ExportFormatException as {@link #importFrom(InputStream, ImportOptions)}
     * @throws ImportConflictException as {@link #importFrom(InputStream, ImportOptions)}
     * @throws StorageException when the backend fails or {@code in} cannot be read
     */
    public ImportReport importFrom(InputStream in, ImportOptions options, BulkProgress bar) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(bar, "bar");
        return new Importer(
                        backend(),
                        clock(),
                        options,
                        ConfiguredStorage.providerIds(loader),
                        settings.maxValueBytes(),
                        bar)
                .run(in);
    }

    /**
     * Copies scopes to {@code target}, keeping values and remaining TTLs, in batches, then verifies each scope
     * (key counts and a SHA-256 over keys and values) and reports. Never writes to this admin's storage. With a
     * {@link MigrateOptions#stateFile()} a rerun after an interruption resumes after the last verified scope
     * and redoes the one in progress, ending with the same target.
     *
     * @param target where to copy to (another provider, or another data set of the same one)
     * @param options batch size, non-empty rule, state file, scopes
     * @param progress told one line per scope as it finishes (for a terminal); may ignore it
     * @return per-scope counts and checksums; {@link MigrationReport#ok()} when all verified
     * @throws MigrationException when the target holds data and that is not allowed, or the state file is of
     *     another migration or cannot be written
     * @throws StorageException when a backend fails (a rerun resumes)
     */
    public MigrationReport migrateTo(StorageAdmin target, MigrateOptions options, Consumer<String> progress) {
        return migrateTo(target, options, progress, BulkProgress.NONE);
    }

    /**
     * {@link #migrateTo(StorageAdmin, MigrateOptions, Consumer)}, telling {@code bar} how many keys the copy
     * (phase {@code copy}) and then the verification (phase {@code verify}, counting the target's keys read)
     * have handled of the source's live keys in the scopes.
     *
     * @param target where to copy to
     * @param options batch size, non-empty rule, state file, scopes
     * @param progress told one line per scope as it finishes
     * @param bar told after each page
     * @return per-scope counts and checksums
     * @throws MigrationException as {@link #migrateTo(StorageAdmin, MigrateOptions, Consumer)}
     * @throws StorageException when a backend fails (a rerun resumes)
     */
    public MigrationReport migrateTo(
            StorageAdmin target, MigrateOptions options, Consumer<String> progress, BulkProgress bar) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(bar, "bar");
        if (target == this) {
            throw new MigrationException("A migration needs a target other than its source", null);
        }
        return new Migration(this, target, options, progress, bar).run();
    }

    /**
     * Runs the provider's own integrity check ({@link IntegrityCheck}).
     *
     * @return the damage found, or a report saying the provider has no check
     * @throws StorageException when the backend cannot be reached
     */
    public CheckReport check() {
        if (backend() instanceof IntegrityCheck c) {
            return new CheckReport(providerId(), true, c.checkIntegrity());
        }
        return new CheckReport(providerId(), false, List.of());
    }

    /** Closes the backend. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    StorageBackend backend() {
        if (engine.isClosed()) {
            throw new dev.plinth.api.storage.StoreClosedException("StorageAdmin (provider '" + providerId() + "')");
        }
        return engine.backend();
    }

    InstantSource clock() {
        return InstantSource.system();
    }

    static Namespace scope(String path) {
        Objects.requireNonNull(path, "scope");
        return Namespace.parse(path);
    }
}
