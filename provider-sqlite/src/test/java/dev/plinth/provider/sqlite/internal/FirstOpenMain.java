package dev.plinth.provider.sqlite.internal;

import java.nio.file.Path;

/**
 * Child process for {@link SqliteOpenTest}: prints "opening;", opens the database given as the argument (the
 * parent kills it at some point of that first open), then prints "opened;" and exits.
 */
public final class FirstOpenMain {
    private FirstOpenMain() {}

    public static void main(String[] args) throws Exception {
        // Loads the native library first, so that the parent's delays spread over the open itself.
        java.sql.DriverManager.getConnection("jdbc:sqlite::memory:").close();
        System.out.println("opening;");
        System.out.flush();
        long started = System.nanoTime();
        try (SqliteStorageBackend backend = TestBackends.open(Path.of(args[0]))) {
            System.out.println("opened in " + (System.nanoTime() - started) / 1_000_000 + " ms;");
            System.out.flush();
        }
    }
}
