package dev.plinth.provider.sqlite.internal;

import static dev.plinth.provider.sqlite.internal.TestBackends.writes;

import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process for {@link SqliteCrashTest}: writes as fast as it can and prints each acknowledged write
 * ("key;" or "counter=N;") only after the backend returned, until it is killed.
 * Arguments: database path, round prefix, durability.
 */
public final class CrashWriterMain {
    private CrashWriterMain() {}

    public static void main(String[] args) {
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        Namespace ns = Namespace.of("crash");
        SqliteStorageBackend backend =
                TestBackends.open(Path.of(args[0]), "durability", args[2], "sweepInterval", "50ms");
        out.println("ready;");
        for (long i = 0; ; i++) {
            String key = args[1] + ":" + i;
            byte[] value = key.getBytes(StandardCharsets.UTF_8);
            if (i % 10 == 0) {
                backend.commit(
                        ns,
                        writes(
                                new Write.Put(key, value, StorageBackend.NO_EXPIRY),
                                new Write.Put(key + ":tx", value, StorageBackend.NO_EXPIRY)));
                out.println(key + ";");
                out.println(key + ":tx;");
            } else {
                backend.set(ns, key, value, StorageBackend.NO_EXPIRY);
                out.println(key + ";");
            }
            out.println("counter=" + backend.increment(ns, "counter", 1) + ";");
        }
    }
}
