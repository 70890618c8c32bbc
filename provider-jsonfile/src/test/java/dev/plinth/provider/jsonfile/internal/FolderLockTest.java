package dev.plinth.provider.jsonfile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.provider.jsonfile.FolderInUseException;
import dev.plinth.spi.storage.ChangeListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder's OS lock, as another process sees it. */
class FolderLockTest {

    @TempDir
    Path dir;

    @Test
    void aRefusedSecondOpenInTheSameProcessKeepsTheOwnersOsLock() throws Exception {
        try (JsonFileStorageBackend owner = Backends.open(dir, ChangeListener.NONE)) {
            Path lockFile = owner.directory().resolve(FolderLock.FILE_NAME);
            assertThat(probe(lockFile)).isEqualTo("BUSY");
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                        .isInstanceOf(FolderInUseException.class)
                        .hasMessageContaining("pid=" + ProcessHandle.current().pid());
            }
            // POSIX drops every lock a process holds on a file when it closes any descriptor of that file.
            assertThat(probe(lockFile))
                    .as("another process can still not take the folder")
                    .isEqualTo("BUSY");
        }
        assertThat(probe(dir.toAbsolutePath().normalize().resolve(FolderLock.FILE_NAME)))
                .isEqualTo("GOT");
    }

    private static String probe(Path lockFile) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockProbeMain.class.getName(),
                        lockFile.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
