/**
 * The {@code memory} storage provider ({@link dev.plinth.provider.memory.MemoryStorageProvider}): every
 * namespace lives in this process's heap, in UTF-8 key order, with exact quotas, native expiry and lease
 * locks. Not durable and not shared between processes.
 */
package dev.plinth.provider.memory;
