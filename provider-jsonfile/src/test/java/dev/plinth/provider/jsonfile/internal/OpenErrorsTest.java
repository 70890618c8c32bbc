package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.provider.jsonfile.CorruptDataFileException;
import dev.plinth.provider.jsonfile.FolderInUseException;
import dev.plinth.provider.jsonfile.JsonFileStorageProvider;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.tck.SmallFilesystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failure to open is a {@link StorageOpenException} naming the folder or file, wrapped once. */
class OpenErrorsTest {
    private static final Namespace NS = Namespace.of("notes");

    @TempDir
    Path dir;

    private static void wrappedOnce(Throwable e) {
        String m = e.getMessage();
        assertThat(m.indexOf("could not open"))
                .as(m)
                .isEqualTo(m.lastIndexOf("could not open"))
                .isNotNegative();
        assertThat(e.getCause() instanceof StorageOpenException)
                .as("cause wrapped again: %s", e.getCause())
                .isFalse();
    }

    @Test
    void aFolderInUseIsAStorageOpenErrorNamingTheFolderAndRetryable() {
        try (JsonFileStorageBackend first = Backends.open(dir, ChangeListener.NONE)) {
            assertThatThrownBy(() -> Backends.open(dir, ChangeListener.NONE))
                    .isInstanceOf(FolderInUseException.class)
                    .isInstanceOf(StorageOpenException.class)
                    .hasMessageContaining(dir.toAbsolutePath().normalize().toString())
                    .satisfies(e ->
                            assertThat(((StorageOpenException) e).isRetryable()).isTrue())
                    .satisfies(e ->
                            assertThat(((StorageOpenException) e).provider()).isEqualTo("jsonfile"))
                    .satisfies(OpenErrorsTest::wrappedOnce);
        }
    }

    @Test
    void aFolderThatCannotBeCreatedIsAStorageOpenErrorNamingIt() throws IOException {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        Path inside = file.resolve("data");
        assertThatThrownBy(() -> Backends.open(inside, ChangeListener.NONE))
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(inside.toString())
                .satisfies(OpenErrorsTest::wrappedOnce);
        assertThatThrownBy(() -> Backends.open(file, ChangeListener.NONE))
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(file.toString())
                .satisfies(OpenErrorsTest::wrappedOnce);
    }

    @Test
    void aDamagedFileIsAStorageOpenErrorThroughTheProviderWrappedOnce() throws IOException {
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            b.set(NS, "a", utf8("1"), 0);
            b.compactNow();
        }
        Path manifest = dir.resolve(FileNames.MANIFEST);
        Files.writeString(manifest, "{ not json");
        JsonFileStorageProvider p = new JsonFileStorageProvider();
        ProviderConfig config =
                ProviderConfig.builder(p).set("directory", dir.toString()).build();
        assertThatThrownBy(() -> p.open(config, Backends.context(ChangeListener.NONE)))
                .isInstanceOf(CorruptDataFileException.class)
                .isInstanceOf(StorageOpenException.class)
                .hasMessageContaining(manifest.toString())
                .satisfies(e ->
                        assertThat(((StorageOpenException) e).isRetryable()).isFalse())
                .satisfies(OpenErrorsTest::wrappedOnce);
    }

    @Test
    void aReadOnlyFileSystemIsAStorageOpenErrorNamingTheFile() throws Exception {
        try (SmallFilesystem fs = SmallFilesystem.mount(1024 * 1024)) {
            Path folder = fs.path().resolve("data");
            try (JsonFileStorageBackend b = Backends.open(folder, ChangeListener.NONE)) {
                b.set(NS, "a", utf8("1"), 0);
            }
            remount(fs.path(), "ro");
            try {
                assertThatThrownBy(() -> Backends.open(folder, ChangeListener.NONE))
                        .isInstanceOf(StorageOpenException.class)
                        .hasMessageContaining(folder.toString())
                        .hasMessageContaining("Read-only file system")
                        .satisfies(OpenErrorsTest::wrappedOnce);
            } finally {
                remount(fs.path(), "rw");
            }
            try (JsonFileStorageBackend b = Backends.open(folder, ChangeListener.NONE)) {
                assertThat(b.exists(NS, "a")).isTrue();
            }
        }
    }

    private static void remount(Path mountPoint, String mode) throws Exception {
        Process p = new ProcessBuilder("mount", "-o", "remount," + mode, mountPoint.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("mount -o remount,%s: %s", mode, out).isZero();
    }
}
