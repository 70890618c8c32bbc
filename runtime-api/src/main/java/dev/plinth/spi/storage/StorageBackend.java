package dev.plinth.spi.storage;

import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The namespace-aware engine behind every {@link dev.plinth.api.storage.KeyValueStore}: the required core
 * of the provider SPI. Four methods, which is all a provider must write; everything else the store API
 * offers (single-key shortcuts, counters, pattern deletes, locks, quotas, change events, expiry events)
 * has a correct default in the runtime built on these four. A provider that can do more natively (in one
 * round trip, across processes) also implements the optional parts: {@link FastPaths},
 * {@link NativeCounters}, {@link NativePatterns}, {@link NativeLocks}, {@link NativeQuotas},
 * {@link ChangeFeed}, {@link HealthProbe}; and for operator tools, {@link NamespaceListing}, {@link EntryScan},
 * {@link BulkLoad} and {@link IntegrityCheck}. The runtime looks at which parts a backend implements once, at open, and never
 * branches on it per call.
 *
 * <h2>Rules every backend follows</h2>
 * <ul>
 *   <li>One backend serves all plugins of a runtime; every method takes the {@link Namespace} as its own
 *       argument and never lets one namespace see or change another's keys.</li>
 *   <li>A key whose expiry has passed is absent for every method at once, even before it is reclaimed:
 *       live means {@link Expiry#isLive}.</li>
 *   <li>Versions come from one sequence per backend (or per shared data set) that only grows and never
 *       repeats, even across a restart or a loss of data, so a key deleted and re-created gets a larger
 *       version than before.</li>
 *   <li>The runtime validates keys, patterns, TTLs ({@code 0 < ttlMillis <=
 *       KeyValueStore.MAX_DURATION}) and value sizes and copies arrays; a backend may keep the arrays it is
 *       given and return the arrays it stores, as long as it never changes one in place.</li>
 *   <li>Failures are {@link dev.plinth.api.storage.StorageException}s: an unreachable or full backend throws
 *       the retryable {@link dev.plinth.api.storage.BackendUnavailableException} within its configured
 *       timeout and works again once the cause is gone; after {@link #close()} every method throws
 *       {@link dev.plinth.api.storage.StoreClosedException}. An interrupted caller gets at most an
 *       exception for its own call; the backend keeps serving everyone else.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface StorageBackend extends AutoCloseable {

    /** {@code ttlMillis} / {@code expiresAtMillis} value meaning "never expires". */
    long NO_EXPIRY = 0L;

    /**
     * Reads the live entries among {@code keys}, atomically (one snapshot).
     *
     * @param ns the namespace
     * @param keys distinct, valid keys; not empty
     * @return the live entries among them, each once, in any order (the order asked is cheapest for the
     *     runtime)
     */
    List<BackendEntry> read(Namespace ns, Collection<String> keys);

    /**
     * Applies {@code writes} in order, atomically, when every precondition holds; otherwise changes nothing.
     * Every {@link Write.Put} gets a new version. A backend without {@link NativeQuotas} ignores the
     * {@code maxKeys} option: the runtime enforces it.
     *
     * @param ns the namespace
     * @param commit preconditions and writes; see {@link Commit}
     * @return what changed, for the runtime to answer the caller and, without a {@link ChangeFeed}, to
     *     report events
     * @throws dev.plinth.api.storage.VersionConflictException naming the first failing precondition; nothing
     *     changed
     * @throws dev.plinth.api.storage.QuotaExceededException (with {@link NativeQuotas}) when new keys would
     *     exceed the namespace's {@link CommonOptions#MAX_KEYS}; nothing changed
     */
    CommitResult commit(Namespace ns, Commit commit);

    /**
     * Lists live keys matching {@code pattern} in UTF-8 byte order ({@link KeyRules#UTF8_ORDER}). A pattern
     * with a literal prefix should cost in proportion to the keys under that prefix ({@link KeyRange}).
     *
     * @param ns the namespace
     * @param pattern the compiled pattern
     * @param afterKey only keys strictly greater than this are listed; {@code null} starts at the first
     * @param limit the most keys to return, at least 1
     * @return up to {@code limit} keys; fewer than {@code limit} means there are no more
     */
    List<String> list(Namespace ns, GlobPattern pattern, @Nullable String afterKey, int limit);

    /**
     * Releases connections, files and threads. Idempotent. Operations running concurrently either finish
     * or throw {@link dev.plinth.api.storage.StoreClosedException}; none hangs.
     */
    @Override
    void close();
}
