package dev.plinth.provider.sqlite.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * The namespaces that may hold a row with an expiry, so that on an exclusive file a put into any other
 * namespace can be a plain {@code INSERT OR REPLACE}: no expired row can be in its way, so there is no
 * reclaim to report and no need for the costlier conditional upsert. Conservative: a namespace joins when
 * this backend writes a row with an expiry, or when the file held one at open, and never leaves (a reclaimed
 * row only makes the check needlessly careful). Only meaningful where this backend is the file's only
 * writer, so only {@link BlindRowWriter} keeps one. Touched only by writer work, under the writer lock: not
 * thread-safe.
 */
final class ExpiringNamespaces {
    // The due list holds every row with an expiry, and maybe entries of rows that no longer have one: a superset.
    private static final String LOAD = "SELECT DISTINCT namespace FROM plinth_expiry";

    private final Set<String> namespaces = new HashSet<>();

    /** Adds the namespaces whose rows in the file have an expiry; before the first write. */
    void load(SqlConnection c) throws SQLException {
        try (PreparedStatement ps = c.prepareOnce(LOAD);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                namespaces.add(rs.getString(1));
            }
        }
    }

    /** Records a row about to be written with {@code expiresAt} (0 = never) in namespace {@code ns}. */
    void writing(String ns, long expiresAt) {
        if (expiresAt != 0L) {
            namespaces.add(ns);
        }
    }

    /** @return {@code false} when no row of the namespace can have an expiry */
    boolean mayHoldExpiring(String ns) {
        return namespaces.contains(ns);
    }
}
