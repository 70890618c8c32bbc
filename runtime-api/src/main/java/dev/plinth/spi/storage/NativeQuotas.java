package dev.plinth.spi.storage;

/**
 * Optional part, a promise without methods: the backend enforces {@link CommonOptions#MAX_KEYS} itself,
 * atomically with each write ({@link StorageBackend#commit}, {@link FastPaths#set},
 * {@link FastPaths#compareAndSet}, {@link NativeCounters#increment}), throwing
 * {@link dev.plinth.api.storage.QuotaExceededException} for a new key over the limit. A provider that
 * declares {@link Capability#SHARED_ACROSS_PROCESSES} must, since only the shared backend sees every
 * process's keys. Without it the runtime counts and checks under a per-scope lock of its own.
 */
public interface NativeQuotas {}
