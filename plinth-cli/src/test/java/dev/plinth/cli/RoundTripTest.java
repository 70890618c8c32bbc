package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.cli.Stores.Kind;
import dev.plinth.cli.Stores.Stored;
import dev.plinth.core.admin.ImportOptions;
import dev.plinth.core.admin.ImportReport;
import dev.plinth.core.admin.MigrateOptions;
import dev.plinth.core.admin.MigrationReport;
import dev.plinth.core.admin.StorageAdmin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Export then import, and migrate, on every pair of shipped providers (Redis is the real server): every key,
 * value (binary, non-BMP text, empty) and TTL arrives, in its own scope and no other.
 */
class RoundTripTest {
    private static final int BULK = 1_500; // more than one page of 1,000

    @TempDir
    Path dir;

    private final List<Map<String, String>> opened = new ArrayList<>();

    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (Kind a : Kind.values()) {
            for (Kind b : Kind.values()) {
                out.add(Arguments.of(a, b));
            }
        }
        return out.stream();
    }

    @AfterEach
    void cleanRedis() {
        opened.forEach(Stores::cleanRedis);
    }

    private StorageAdmin open(Kind kind) {
        Map<String, String> options = Stores.options(kind, dir);
        opened.add(options);
        return Stores.open(kind, options);
    }

    @ParameterizedTest(name = "export {0}, import into {1}")
    @MethodSource("pairs")
    void exportThenImportKeepsEveryKeyValueAndTtl(Kind from, Kind to) {
        try (StorageAdmin source = open(from);
                StorageAdmin target = open(to)) {
            Stores.fill(source, BULK);
            long started = System.currentTimeMillis();
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            var exported = source.exportTo(file, List.of());
            assertThat(exported.entries()).isEqualTo(10 + BULK);
            ImportReport imported =
                    target.importFrom(new ByteArrayInputStream(file.toByteArray()), ImportOptions.defaults());
            long elapsed = System.currentTimeMillis() - started;

            assertThat(imported.imported()).isEqualTo(10 + BULK);
            assertThat(imported.errorCount()).isZero();
            assertSameData(Stores.snapshot(source), Stores.snapshot(target), elapsed);
        }
    }

    @ParameterizedTest(name = "migrate {0} to {1}")
    @MethodSource("pairs")
    void migrateKeepsEveryKeyValueAndTtlAndVerifies(Kind from, Kind to) {
        try (StorageAdmin source = open(from);
                StorageAdmin target = open(to)) {
            Stores.fill(source, BULK);
            long started = System.currentTimeMillis();
            MigrationReport report =
                    source.migrateTo(target, MigrateOptions.defaults().withStateFile(dir.resolve("state")), line -> {});
            long elapsed = System.currentTimeMillis() - started;

            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.copied()).isEqualTo(10 + BULK);
            assertThat(report.scopes())
                    .extracting(MigrationReport.ScopeResult::scope)
                    .containsExactly("alpha", "alpha/child", "beta");
            assertThat(dir.resolve("state")).doesNotExist(); // deleted once everything verified
            assertSameData(Stores.snapshot(source), Stores.snapshot(target), elapsed);
        }
    }

    /** Same scopes, keys and values; each expiry within the time the copy took (remaining TTL kept). */
    static void assertSameData(
            Map<String, Map<String, Stored>> source, Map<String, Map<String, Stored>> target, long elapsedMillis) {
        assertThat(target.keySet()).containsExactlyElementsOf(source.keySet());
        for (Map.Entry<String, Map<String, Stored>> scope : source.entrySet()) {
            Map<String, Stored> a = scope.getValue();
            Map<String, Stored> b = Objects.requireNonNull(target.get(scope.getKey()));
            assertThat(b.keySet()).as("keys of scope %s", scope.getKey()).containsExactlyElementsOf(a.keySet());
            for (Map.Entry<String, Stored> e : a.entrySet()) {
                String where = scope.getKey() + "/" + e.getKey();
                Stored there = Objects.requireNonNull(b.get(e.getKey()));
                assertThat(there.value())
                        .as("value of %s", where)
                        .isEqualTo(e.getValue().value());
                long ea = e.getValue().expiresAt();
                if (ea == 0) {
                    assertThat(there.expiresAt()).as("expiry of %s", where).isZero();
                } else {
                    assertThat(Math.abs(there.expiresAt() - ea))
                            .as("expiry of %s", where)
                            .isLessThanOrEqualTo(elapsedMillis + 5);
                }
            }
        }
    }
}
