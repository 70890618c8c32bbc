/**
 * The storage contract plugins write against: {@link dev.plinth.api.storage.KeyValueStore} and its value
 * types, and the exceptions it throws, all rooted at {@link dev.plinth.api.storage.StorageException}.
 */
@NullMarked
package dev.plinth.api.storage;

import org.jspecify.annotations.NullMarked;
