package dev.plinth.provider.sqlite;

import java.util.HashMap;
import java.util.Map;

/**
 * The storage contract (provider TCK) against the SQLite provider with {@code exclusive=true}: the same
 * contract without the cross-process capabilities, which the provider does not declare in that mode.
 */
class SqliteExclusiveContractTest extends SqliteContractTest {
    @Override
    protected Map<String, String> freshOptions() {
        Map<String, String> options = new HashMap<>(super.freshOptions());
        options.put("exclusive", "true");
        return options;
    }
}
