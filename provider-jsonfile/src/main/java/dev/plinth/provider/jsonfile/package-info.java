/**
 * The {@code jsonfile} storage provider ({@link dev.plinth.provider.jsonfile.JsonFileStorageProvider}): a
 * folder of JSON files, an append-only journal and one snapshot per namespace, owned by one runtime at a
 * time. This package holds what users name: the provider with its options, and the exceptions its store
 * throws ({@link dev.plinth.provider.jsonfile.CorruptDataFileException},
 * {@link dev.plinth.provider.jsonfile.FolderInUseException},
 * {@link dev.plinth.provider.jsonfile.JournalWriteException}).
 */
package dev.plinth.provider.jsonfile;
