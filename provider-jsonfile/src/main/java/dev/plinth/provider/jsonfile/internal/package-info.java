/**
 * The JSON-file store behind {@link dev.plinth.provider.jsonfile.JsonFileStorageProvider}; not exported by
 * the module, and not an API. Entry: {@link dev.plinth.provider.jsonfile.internal.StoreOpener}, which
 * assembles {@link dev.plinth.provider.jsonfile.internal.JsonFileStorageBackend} from parts that each have
 * one job: memory and reads (KeySpace), what writes mean (Mutations), the journal-first write path
 * (Writer, Journal), durability per mode (GroupSync, BatchedFlush), quotas (Quota), expiry (ExpirySweeper),
 * disk maintenance (Maintenance, Compactor) and loading (Recovery).
 */
package dev.plinth.provider.jsonfile.internal;
