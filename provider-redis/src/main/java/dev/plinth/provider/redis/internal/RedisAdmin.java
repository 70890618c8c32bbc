package dev.plinth.provider.redis.internal;

import static dev.plinth.provider.redis.internal.Codec.str;

import dev.plinth.spi.storage.Namespace;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The operator tools' parts for Redis. Namespaces come from {@code <prefix>#scopes} (every scope that ever
 * held data) with the live count of each ({@code count-all.lua}). The integrity check walks each scope's
 * current generation and checks that its two indexes and its data hashes agree: every member of the
 * lexicographic index is in the expiry index and the other way round, every live member has its data hash
 * with a version, and every data hash is indexed (a key missing from its index would be invisible to
 * listing, counting, clear and quotas). Client-side, with SCAN-family cursors, so it never blocks the
 * server; damage reported while writers run may be a write in flight, so check a quiet data set.
 */
final class RedisAdmin {
    /** Problems reported at most, so a badly damaged data set does not flood the report. */
    static final int MAX_PROBLEMS = 100;

    private static final int CHUNK = 500;

    private final RedisCalls calls;
    private final Scopes scopes;
    private final ScriptCalls scripts;

    RedisAdmin(RedisCalls calls, Scopes scopes, ScriptCalls scripts) {
        this.calls = calls;
        this.scopes = scopes;
        this.scripts = scripts;
    }

    SortedMap<Namespace, Long> namespaces() {
        SortedMap<Namespace, Long> out = new TreeMap<>();
        for (Namespace ns : registered()) {
            long n = calls.read(scripts.countAll(scopes.of(ns)));
            if (n > 0) {
                out.put(ns, n);
            }
        }
        return out;
    }

    private List<Namespace> registered() {
        List<Namespace> out = new ArrayList<>();
        for (byte[] path : calls.read(
                "list scopes", () -> calls.client().smembers(scopes.layout().scopesKey()))) {
            try {
                out.add(Namespace.parse(str(path)));
            } catch (RuntimeException foreign) {
                // Not a scope path Plinth wrote; the check reports it, listing skips it.
            }
        }
        return out;
    }

    List<String> check() {
        List<String> problems = new ArrayList<>();
        for (byte[] path : calls.read(
                "list scopes", () -> calls.client().smembers(scopes.layout().scopesKey()))) {
            try {
                Namespace.parse(str(path));
            } catch (RuntimeException e) {
                add(problems, str(scopes.layout().scopesKey()) + " holds '" + str(path) + "', not a scope path");
            }
        }
        for (Namespace ns : registered()) {
            if (problems.size() >= MAX_PROBLEMS) {
                break;
            }
            calls.read("check scope " + ns.path(), () -> {
                checkScope(ns, problems);
                return null;
            });
        }
        return problems;
    }

    private void checkScope(Namespace ns, List<String> problems) {
        UnifiedJedis r = calls.client();
        KeyLayout layout = scopes.layout();
        String base = layout.scopeBase(ns);
        String gen = r.get(base + "#g");
        gen = gen == null ? "0" : gen;
        String lk = base + "#l:" + gen;
        String xk = base + "#x:" + gen;
        String dataPrefix = base + ':' + gen + ':';
        long now = serverMillis(r, lk);
        String where = "scope '" + ns.path() + "': ";

        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Tuple> page = r.zscan(lk, cursor, new ScanParams().count(CHUNK));
            for (Tuple t : page.getResult()) {
                String key = t.getElement();
                Double score = r.zscore(xk, key);
                if (score == null) {
                    add(
                            problems,
                            where + "key '" + key + "' is in the key index " + lk + " but not in the expiry index "
                                    + xk);
                } else if (score >= now && r.hget(dataPrefix + key, "r") == null) {
                    add(
                            problems,
                            where + "key '" + key + "' is indexed as live but its data hash " + dataPrefix + key
                                    + " is missing or has no version");
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && problems.size() < MAX_PROBLEMS);

        cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<Tuple> page = r.zscan(xk, cursor, new ScanParams().count(CHUNK));
            for (Tuple t : page.getResult()) {
                if (r.zscore(lk, t.getElement()) == null) {
                    add(
                            problems,
                            where + "key '" + t.getElement() + "' is in the expiry index " + xk
                                    + " but not in the key index " + lk);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && problems.size() < MAX_PROBLEMS);

        cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(globEscape(dataPrefix) + "*").count(CHUNK);
        do {
            ScanResult<String> page = r.scan(cursor, match);
            for (String dataKey : page.getResult()) {
                String key = dataKey.substring(dataPrefix.length());
                if (r.zscore(lk, key) == null) {
                    add(
                            problems,
                            where + "key '" + key + "' has its data hash " + dataKey
                                    + " but is missing from the key index " + lk
                                    + " (invisible to listing, counting and clear)");
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && problems.size() < MAX_PROBLEMS);
    }

    /** The server's clock, which expiry is measured against; routed by {@code key} in cluster mode. */
    private static long serverMillis(UnifiedJedis r, String key) {
        Object ms = r.eval(
                "local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
                List.of(key),
                List.of());
        return ((Number) ms).longValue();
    }

    private static void add(List<String> problems, String problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        }
    }

    /** Escapes Redis glob characters, so a key prefix holding one matches only itself. */
    static String globEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
