package dev.plinth.provider.jsonfile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.api.health.HealthStatus;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.health.HealthReport;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health follows the data folder: made unwritable for real (mode bits, or the immutable flag for root). */
class JsonFileHealthTest {
    @TempDir
    Path dir;

    private PlinthRuntime runtime() {
        return runtime(Map.of());
    }

    /** @param more configuration beside the folder and an uncached health report */
    private PlinthRuntime runtime(Map<String, String> more) {
        Map<String, String> config = new java.util.HashMap<>(more);
        config.put("plinth.storage.jsonfile.directory", dir.toString());
        config.put("plinth.health.cacheTtl", "0s");
        return PlinthRuntime.builder()
                .storageProvider(new JsonFileStorageProvider())
                .discoverPlugins(false)
                .config(PlinthConfig.builder().properties(config).build())
                .build();
    }

    private static HealthReport await(PlinthRuntime rt, Predicate<HealthReport> until) throws InterruptedException {
        HealthReport r = rt.health();
        for (int i = 0; i < 400 && !until.test(r); i++) {
            Thread.sleep(50);
            r = rt.health();
        }
        assertThat(until).as("health never got there; last report %s", r).accepts(r);
        return r;
    }

    /** @return whether a new file can be made in {@code folder}, trying for real (root ignores mode bits) */
    private static boolean takesNewFiles(Path folder) {
        Path f = folder.resolve("can-i-write");
        try {
            Files.write(f, new byte[0]);
            Files.delete(f);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }

    @Test
    void theProbeCountsCompactions() throws Exception {
        try (PlinthRuntime rt = runtime(Map.of("plinth.storage.jsonfile.compactionThreshold", "4096"))
                .start()) {
            assertThat(rt.health().storage().details()).containsEntry("compactions", "0");
            for (int i = 0; i < 100; i++) {
                rt.storage("notes").setString("k" + i, "a value of some length to fill the journal " + i);
            }
            // A journal past 4 KiB is compacted in the background.
            await(rt, r -> Long.parseLong(r.storage().details().get("compactions")) >= 1);
        }
    }

    @Test
    void aFolderMadeUnwritableTurnsStorageDownAndWritableAgainUp() throws Exception {
        Set<PosixFilePermission> original = Files.getPosixFilePermissions(dir);
        boolean immutable = false;
        try (PlinthRuntime rt = runtime().start()) {
            rt.storage("notes").setString("k", "v");
            HealthReport up = rt.health();
            assertThat(up.status()).isEqualTo(HealthStatus.UP);
            assertThat(up.storage().details())
                    .containsEntry("folder", dir.toString())
                    .containsKey("journalBytes");

            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
            if (takesNewFiles(dir)) {
                // Running as root: mode bits do not stop it; the immutable attribute does.
                run("chattr", "+i", dir.toString());
                immutable = true;
            }
            assertThat(takesNewFiles(dir)).as("the folder was made unwritable").isFalse();
            HealthReport down = await(rt, r -> r.storage().status() == HealthStatus.DOWN);
            assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(down.ready()).isFalse();
            assertThat(down.storage().reason())
                    .contains("the folder " + dir)
                    .contains("journal rotation and compaction will fail");

            if (immutable) {
                run("chattr", "-i", dir.toString());
                immutable = false;
            }
            Files.setPosixFilePermissions(dir, original);
            HealthReport back = await(rt, r -> r.status() == HealthStatus.UP);
            assertThat(back.ready()).isTrue();
            assertThat(rt.storage("notes").getString("k")).contains("v");
        } finally {
            if (immutable) {
                run("chattr", "-i", dir.toString());
            }
            Files.setPosixFilePermissions(dir, original);
        }
    }
}
