package dev.plinth.provider.sqlite.internal;

import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process for {@link SqliteMultiProcessTest}: takes lock "job" with the given lease, prints
 * "locked;", then for each line on stdin: "write" sets key "from-child" and prints "written;", "unlock"
 * releases the lock and prints "unlocked;", "exit" closes and exits. Arguments: database path, lease ms.
 */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        Namespace ns = Namespace.of("multi");
        try (SqliteStorageBackend backend = TestBackends.open(Path.of(args[0]))) {
            if (!backend.tryLock(ns, "job", "child", Long.parseLong(args[1]))) {
                System.out.println("busy;");
                return;
            }
            System.out.println("locked;");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line) {
                    case "write":
                        backend.set(
                                ns, "from-child", "hello".getBytes(StandardCharsets.UTF_8), StorageBackend.NO_EXPIRY);
                        System.out.println("written;");
                        break;
                    case "unlock":
                        System.out.println(backend.unlock(ns, "job", "child") ? "unlocked;" : "not-owner;");
                        break;
                    default:
                        return;
                }
                System.out.flush();
            }
        }
    }
}
