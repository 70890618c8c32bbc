package dev.plinth.tck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for disk-full tests: a Linux {@code tmpfs} of a chosen size mounted on a new
 * temporary folder, which a test fills until writes fail with {@code ENOSPC}, then {@link #resize grows}
 * to let the same open backend write again. No mock: the provider sees the kernel's own errors.
 *
 * <p>Mounting needs root on Linux (CI runs as root). Elsewhere {@link #mount} fails loudly with what is
 * missing; a developer without root may set {@code -Dplinth.tests.noRoot=true}, which turns that failure
 * into a reported JUnit assumption (the test shows as skipped, never as passed).
 *
 * <p>Not thread-safe; one test owns one instance.
 */
public final class SmallFilesystem implements AutoCloseable {
    /** Set to {@code true} to report the disk-full tests as skipped on a machine without root. */
    public static final String NO_ROOT_PROPERTY = "plinth.tests.noRoot";

    private final Path mountPoint;
    private boolean mounted;

    private SmallFilesystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs of {@code bytes} on a new temporary folder.
     *
     * @param bytes the size, at least 64 KiB (the kernel rounds to pages)
     * @return the mounted file system; close it to unmount
     * @throws IllegalStateException when the mount fails (not Linux, not root, no {@code mount})
     */
    public static SmallFilesystem mount(long bytes) {
        try {
            Path dir = Files.createTempDirectory("plinth-tmpfs-");
            SmallFilesystem fs = new SmallFilesystem(dir);
            String failure = run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString());
            if (failure != null) {
                Files.deleteIfExists(dir);
                String message = "Cannot mount a " + bytes + "-byte tmpfs for a disk-full test (needs root on Linux;"
                        + " CI runs as root): " + failure + ". Set -D" + NO_ROOT_PROPERTY
                        + "=true to report these tests as skipped instead.";
                org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean(NO_ROOT_PROPERTY), message);
                throw new IllegalStateException(message);
            }
            fs.mounted = true;
            return fs;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a mount point for a tmpfs", e);
        }
    }

    /** @return the mount point: a folder on the small file system */
    public Path path() {
        return mountPoint;
    }

    /**
     * Changes the size in place; files and open handles stay as they are.
     *
     * @param bytes the new size
     * @throws IllegalStateException when the remount fails
     */
    public void resize(long bytes) {
        String failure = run("mount", "-o", "remount,size=" + bytes, mountPoint.toString());
        if (failure != null) {
            throw new IllegalStateException("Cannot resize the tmpfs at " + mountPoint + ": " + failure);
        }
    }

    /**
     * Fills the free space with a ballast file, so the next write that needs a new block fails.
     *
     * @return the ballast file; delete it to free the space again
     */
    public Path fill() {
        Path ballast = mountPoint.resolve("ballast-" + System.nanoTime());
        byte[] chunk = new byte[4096];
        try (var out = Files.newOutputStream(ballast)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException expectedWhenFull) {
            return ballast;
        }
    }

    /** Unmounts (lazily, so a backend that failed to close cannot keep the mount) and removes the folder. */
    @Override
    public void close() {
        if (mounted) {
            mounted = false;
            run("umount", "-l", mountPoint.toString());
            try {
                Files.deleteIfExists(mountPoint);
            } catch (IOException ignored) {
                // a lazily unmounted folder may still be busy; it is in the temporary directory anyway
            }
        }
    }

    /** @return {@code null} on success, else what the command printed and its exit code */
    private static String run(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", cmd) + " did not finish in 30 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return String.join(" ", cmd) + " could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return String.join(" ", cmd) + " was interrupted";
        }
    }
}
