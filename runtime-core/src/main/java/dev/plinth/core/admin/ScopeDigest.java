package dev.plinth.core.admin;

import dev.plinth.spi.storage.BackendEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A scope's count and checksum: SHA-256 over each live key and value in key order, each length-prefixed so
 * no two different scopes can run together into the same bytes. Versions and expiries are left out: a target
 * assigns its own versions, and an expiry moves with the clock it is measured on.
 */
final class ScopeDigest {
    private final MessageDigest sha;
    private long count;

    ScopeDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    void add(BackendEntry e) {
        byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
        lengthOf(key.length);
        sha.update(key);
        lengthOf(e.value().length);
        sha.update(e.value());
        count++;
    }

    private void lengthOf(int n) {
        sha.update((byte) (n >>> 24));
        sha.update((byte) (n >>> 16));
        sha.update((byte) (n >>> 8));
        sha.update((byte) n);
    }

    long count() {
        return count;
    }

    String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }
}
