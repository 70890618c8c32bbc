package dev.plinth.provider.sqlite.internal;

import java.nio.file.Path;

/**
 * Child process for {@link SqliteExclusiveTest}: opens the database given as the argument with
 * {@code exclusive=true}, prints "open;" and keeps it open until stdin closes or a line arrives.
 */
public final class ExclusiveHolderMain {
    private ExclusiveHolderMain() {}

    public static void main(String[] args) throws Exception {
        try (SqliteStorageBackend backend = TestBackends.open(Path.of(args[0]), "exclusive", "true")) {
            System.out.println("open;");
            System.out.flush();
            System.in.read();
        }
    }
}
