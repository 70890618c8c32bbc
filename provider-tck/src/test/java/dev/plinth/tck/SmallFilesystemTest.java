package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SmallFilesystemTest {

    @Test
    void aFullFilesystemRefusesWritesUntilItGrows() throws IOException {
        try (SmallFilesystem fs = SmallFilesystem.mount(256 * 1024)) {
            Path ballast = fs.fill();
            assertThat(Files.size(ballast)).isGreaterThan(128 * 1024);
            Path file = fs.path().resolve("after-full");
            assertThatThrownBy(() -> Files.write(file, new byte[64 * 1024]))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("No space left");
            fs.resize(1024 * 1024);
            Files.write(file, new byte[64 * 1024]);
            assertThat(Files.size(file)).isEqualTo(64 * 1024);
        }
    }

    @Test
    void closeUnmountsAndRemovesTheFolder() {
        Path mountPoint;
        try (SmallFilesystem fs = SmallFilesystem.mount(128 * 1024)) {
            mountPoint = fs.path();
            assertThat(mountPoint).isDirectory();
        }
        assertThat(mountPoint).doesNotExist();
    }
}
