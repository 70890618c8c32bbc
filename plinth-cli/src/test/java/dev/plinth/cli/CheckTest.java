package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.cli.Stores.Kind;
import dev.plinth.core.admin.CheckReport;
import dev.plinth.core.admin.StorageAdmin;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** {@code plinth check} finds damage a test plants in each provider's storage, and passes sound storage. */
class CheckTest {
    @TempDir
    Path dir;

    private CliRun check(Kind kind, Map<String, String> options, String... extra) throws Exception {
        Path config = dir.resolve(kind.id() + ".properties");
        Files.writeString(config, Stores.configFile(kind, options));
        String[] args = Stream.concat(Stream.of("--config", config.toString()), Stream.of(extra))
                .toArray(String[]::new);
        String[] all = Stream.concat(Stream.of(args), Stream.of("check")).toArray(String[]::new);
        return CliRun.run("", all);
    }

    private static void fill(StorageAdmin admin) {
        for (int i = 0; i < 300; i++) {
            admin.set(
                    "alpha",
                    String.format("k%03d", i),
                    Stores.utf8("value number " + i + " ".repeat(40)),
                    i % 3 == 0 ? Duration.ofHours(1) : null);
        }
        admin.set("beta", "x", Stores.BINARY, null);
    }

    @Test
    void sqliteSoundPassesAndAMissingExpiryEntryIsDamage() throws Exception {
        Map<String, String> options = Stores.options(Kind.SQLITE, dir);
        try (StorageAdmin admin = Stores.open(Kind.SQLITE, options)) {
            fill(admin);
            assertThat(admin.check()).isEqualTo(new CheckReport("sqlite", true, List.of()));
        }
        CliRun sound = check(Kind.SQLITE, options);
        assertThat(sound.code()).isZero();
        assertThat(sound.out()).isEqualTo("ok: provider sqlite found no damage\n");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + options.get("path"));
                Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("DELETE FROM plinth_expiry WHERE key = 'k003'"))
                    .isEqualTo(1);
        }
        CliRun damaged = check(Kind.SQLITE, options);
        assertThat(damaged.code()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(damaged.out())
                .contains("damaged: plinth_expiry has no entry for key 'k003' of namespace 'alpha'")
                .contains("1 problem(s) found by provider sqlite");
    }

    @Test
    void sqliteCorruptPagesAreFoundByIntegrityCheck() throws Exception {
        Map<String, String> options = Stores.options(Kind.SQLITE, dir);
        try (StorageAdmin admin = Stores.open(Kind.SQLITE, options)) {
            fill(admin);
        }
        Path db = Path.of(options.get("path"));
        long size = Files.size(db);
        assertThat(size).isGreaterThan(8 * 4096);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            byte[] junk = new byte[3000];
            java.util.Arrays.fill(junk, (byte) 0x5A);
            f.seek(size / 2 / 4096 * 4096 + 8); // past the page header, into the cells of a middle page
            f.write(junk);
        }
        // With the open's own check on (the default), the open fails: check reports that as damage.
        CliRun atOpen = check(Kind.SQLITE, options);
        assertThat(atOpen.code()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(atOpen.out())
                .startsWith("damaged: the storage cannot be opened:")
                .contains("damaged");
        // With it off, the open succeeds and integrity_check itself finds the damage.
        CliRun checked = check(Kind.SQLITE, options, "-Dplinth.storage.sqlite.checkAtOpen=off");
        assertThat(checked.code()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(checked.out()).contains("damaged: PRAGMA integrity_check");
    }

    @Test
    void jsonfileACorruptedJournalLineIsDamage() throws Exception {
        Map<String, String> options = Stores.options(Kind.JSONFILE, dir);
        try (StorageAdmin admin = Stores.open(Kind.JSONFILE, options)) {
            fill(admin);
            assertThat(admin.check().ok()).isTrue();
            // Damage a line in the middle of the journal while the backend runs (same length: JSON stays valid,
            // only its checksum tells).
            Path journal;
            try (Stream<Path> files = Files.list(Path.of(options.get("directory")))) {
                journal = files.filter(p -> p.getFileName().toString().startsWith("journal-"))
                        .max(Path::compareTo)
                        .orElseThrow();
            }
            byte[] bytes = Files.readAllBytes(journal);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int at = text.indexOf("value number 150 ");
            assertThat(at).isPositive();
            try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
                f.seek(text.substring(0, at).getBytes(StandardCharsets.UTF_8).length);
                f.write("VALUE".getBytes(StandardCharsets.US_ASCII));
            }
            CheckReport report = admin.check();
            assertThat(report.ok()).isFalse();
            assertThat(report.problems())
                    .singleElement()
                    .asString()
                    .contains(journal.getFileName().toString());
        }
        CliRun damaged = check(Kind.JSONFILE, options);
        assertThat(damaged.code()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(damaged.out()).startsWith("damaged: ").contains("journal-");
    }

    @Test
    void redisAKeyMissingFromItsIndexIsDamage() throws Exception {
        Map<String, String> options = Stores.options(Kind.REDIS, dir);
        try {
            try (StorageAdmin admin = Stores.open(Kind.REDIS, options)) {
                fill(admin);
                assertThat(admin.check().problems()).isEmpty();
            }
            assertThat(check(Kind.REDIS, options).code()).isZero();
            String prefix = options.get("keyPrefix");
            try (Jedis j = new Jedis("127.0.0.1", 6379)) {
                assertThat(j.zrem(prefix + "{alpha}#l:0", "k007")).isEqualTo(1);
                assertThat(j.zrem(prefix + "{alpha}#x:0", "k007")).isEqualTo(1);
                assertThat(j.zrem(prefix + "{beta}#x:0", "x")).isEqualTo(1);
            }
            CliRun damaged = check(Kind.REDIS, options);
            assertThat(damaged.code()).isEqualTo(ExitCodes.DAMAGED);
            assertThat(damaged.out())
                    .contains("damaged: scope 'alpha': key 'k007' has its data hash " + prefix + "{alpha}:0:k007"
                            + " but is missing from the key index")
                    .contains("damaged: scope 'beta': key 'x' is in the key index " + prefix + "{beta}#l:0 but not in"
                            + " the expiry index")
                    .contains("2 problem(s) found by provider redis");
        } finally {
            Stores.cleanRedis(options);
        }
    }

    @Test
    void memoryHasNoCheckAndSaysSo() throws Exception {
        CliRun r = check(Kind.MEMORY, Map.of());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("provider memory has no integrity check; nothing checked\n");
    }
}
