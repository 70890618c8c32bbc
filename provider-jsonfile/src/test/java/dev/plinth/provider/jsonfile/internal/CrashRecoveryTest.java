package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.provider.jsonfile.JsonFileStorageProvider.Durability;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.Namespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM (SIGKILL) again and again; every write it acknowledged must survive. Odd rounds
 * use batched durability, which must lose nothing either when only the process dies (the OS still holds
 * the appended lines).
 */
class CrashRecoveryTest {
    /** More rounds for a published figure: {@code -Dplinth.tests.crashRounds=12}. */
    private static final int ROUNDS = Integer.getInteger("plinth.tests.crashRounds", 5);
    /**
     * Kills are random, and a short round (batched writes acknowledge hundreds in a millisecond) can end
     * before the background compaction writes its first manifest; further rounds until one has, so the
     * kills are known to have met a compacted folder.
     */
    private static final int MAX_ROUNDS = Math.max(30, ROUNDS);

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesRepeatedKills() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        Path manifest = dir.resolve(FileNames.MANIFEST);
        int rounds = 0;
        for (int round = 0; round < ROUNDS || (round < MAX_ROUNDS && !Files.exists(manifest)); round++) {
            rounds++;
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            WriterMain.class.getName(),
                            dir.toString(),
                            "r" + round,
                            (round % 2 == 0 ? Durability.SYNC : Durability.BATCHED).name())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            int killAfter = 50 + ThreadLocalRandom.current().nextInt(400);
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                int seen = 0;
                while (seen < killAfter && (line = out.readLine()) != null) {
                    assertThat(line).startsWith("ACK ");
                    acknowledged.add(line.substring(4));
                    seen++;
                }
                // Killed while it keeps writing; acknowledgements it printed after our last read are not
                // checked (destroying the process closes our end of its output).
                child.destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(acknowledged).as("round %d acknowledged writes", round).isNotEmpty();
        }
        // The child's tiny compaction threshold means kills also hit compactions.
        assertThat(dir.resolve(FileNames.MANIFEST)).exists();
        Namespace ns = Namespace.of("crash");
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            long lost =
                    acknowledged.stream().filter(key -> b.get(ns, key) == null).count();
            System.out.printf(
                    "CrashRecoveryTest: %d kill -9 rounds, %d acknowledged writes, %d lost%n",
                    rounds, acknowledged.size(), lost);
            for (String key : acknowledged) {
                assertThat(b.get(ns, key)).as("acknowledged key %s", key).isNotNull();
                assertThat(text(present(b.get(ns, key)).value())).isEqualTo("value of " + key);
            }
            assertThat(b.count(ns, GlobPattern.compile("*"))).isGreaterThanOrEqualTo(acknowledged.size());
        }
    }
}
