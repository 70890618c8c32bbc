package dev.plinth.bench;

import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.core.storage.StorageEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JSON-file provider beside the two ways a plugin would persist a small value by hand: rewrite one
 * small file (write a temp file, fsync it, rename over the old one) and append a line to one file and
 * fsync it ({@code fdatasync}, as the provider's journal does). Every write in {@code sync} mode must be
 * on disk when it returns, so it is compared with the fsyncing baselines; {@code batched} mode, which
 * fsyncs at most every {@code flushInterval}, is compared with an append that never fsyncs. Each raw
 * thread writes its own file.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JsonFileBench {
    /** Keys the set benchmarks cycle through: a small plugin's whole state. */
    static final int KEYS = 128;

    /** A JSON-file engine in a fresh folder. */
    public abstract static class Engine {
        Path dir;
        StorageEngine engine;
        KeyValueStore store;
        String[] keys;
        byte[] value;

        abstract String durability();

        @Setup(Level.Trial)
        public void setUp() {
            dir = Data.tempDir("jsonfile-" + durability());
            engine = Plinth.open(
                    "jsonfile",
                    Map.of(
                            "directory", dir.toString(),
                            "durability", durability()));
            store = engine.store(Plinth.NAMESPACE);
            keys = Data.keys(KEYS);
            value = Data.value(0);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            engine.close();
            Data.deleteTree(dir);
        }
    }

    /** {@code durability=sync}: fsync before every write returns. */
    @State(Scope.Benchmark)
    public static class Sync extends Engine {
        @Override
        String durability() {
            return "sync";
        }
    }

    /** {@code durability=batched}: fsync at most every 200 ms (the default {@code flushInterval}). */
    @State(Scope.Benchmark)
    public static class Batched extends Engine {
        @Override
        String durability() {
            return "batched";
        }
    }

    /** One thread's own files for the raw baselines. */
    @State(Scope.Thread)
    public static class RawFiles {
        Path dir;
        Path file;
        Path temp;
        FileChannel log;
        ByteBuffer record;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Data.tempDir("raw-file");
            file = dir.resolve("value.json");
            temp = dir.resolve("value.json.tmp");
            log = FileChannel.open(
                    dir.resolve("journal.jsonl"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            byte[] v = Data.value(0);
            record = ByteBuffer.allocateDirect(v.length + 1).put(v).put((byte) '\n');
        }

        /** Keeps the never-fsynced append file from filling the disk over a long run. */
        @TearDown(Level.Iteration)
        public void truncate() throws IOException {
            log.truncate(0);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            log.close();
            Data.deleteTree(dir);
        }

        void writeRecord(FileChannel ch) throws IOException {
            record.clear();
            while (record.hasRemaining()) {
                ch.write(record);
            }
        }
    }

    @Benchmark
    public long plinthSyncSet(Sync s, Cursor c) {
        return s.store.set(s.keys[c.next(KEYS)], s.value);
    }

    @Benchmark
    public Path rawWriteTempFsyncRename(RawFiles r) throws IOException {
        try (FileChannel ch = FileChannel.open(
                r.temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            r.writeRecord(ch);
            ch.force(true);
        }
        return Files.move(r.temp, r.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Benchmark
    public long rawAppendFsync(RawFiles r) throws IOException {
        r.writeRecord(r.log);
        r.log.force(false);
        return r.log.position();
    }

    @Benchmark
    public long plinthBatchedSet(Batched s, Cursor c) {
        return s.store.set(s.keys[c.next(KEYS)], s.value);
    }

    /** Append without fsync: what batched mode costs per write between its periodic fsyncs. */
    @Benchmark
    public long rawAppend(RawFiles r) throws IOException {
        r.writeRecord(r.log);
        return r.log.position();
    }
}
