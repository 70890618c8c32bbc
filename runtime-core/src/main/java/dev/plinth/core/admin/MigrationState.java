package dev.plinth.core.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The state file of a migration: a header line naming source and target, then one line per scope copied and
 * verified, each forced to disk before the next scope starts. A rerun reads it to skip the finished scopes;
 * a torn last line (a crash mid-append) only means that scope is done again.
 */
final class MigrationState implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final Set<String> done;
    private final boolean resumed;
    private final boolean allowNonEmpty;

    private MigrationState(Path file, FileChannel channel, Set<String> done, boolean resumed, boolean allowNonEmpty) {
        this.file = file;
        this.channel = channel;
        this.done = done;
        this.resumed = resumed;
        this.allowNonEmpty = allowNonEmpty;
    }

    /** @return whether {@code file} holds an earlier run's state (a rerun resumes it) */
    static boolean exists(Path file) {
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (IOException e) {
            throw new MigrationException("Cannot read the migration state file " + file + ": " + e.getMessage(), e);
        }
    }

    static MigrationState open(Path file, String source, String target, boolean allowNonEmpty) {
        try {
            Set<String> done = new HashSet<>();
            boolean resumed = false;
            boolean originalAllow = allowNonEmpty;
            if (Files.exists(file) && Files.size(file) > 0) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                JsonNode head = readLine(lines.get(0));
                if (head == null || !head.has("migration")) {
                    throw new MigrationException(
                            "The state file " + file + " is not a Plinth migration state file", null);
                }
                String s = head.path("source").asText();
                String t = head.path("target").asText();
                if (!s.equals(source) || !t.equals(target)) {
                    throw new MigrationException(
                            "The state file " + file + " belongs to a migration from '" + s + "' to '" + t
                                    + "', not from '" + source + "' to '" + target
                                    + "': finish that one, or delete the file to start afresh",
                            null);
                }
                originalAllow = head.path("allowNonEmpty").asBoolean(false);
                for (String line : lines.subList(1, lines.size())) {
                    JsonNode n = readLine(line);
                    if (n != null && n.hasNonNull("done")) {
                        done.add(n.get("done").asText());
                    }
                }
                resumed = true;
            }
            FileChannel channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            MigrationState state = new MigrationState(file, channel, done, resumed, originalAllow);
            if (!resumed) {
                ObjectNode head = JSON.createObjectNode();
                head.put("migration", 1);
                head.put("source", source);
                head.put("target", target);
                head.put("allowNonEmpty", allowNonEmpty);
                state.append(head);
            }
            return state;
        } catch (IOException e) {
            throw new MigrationException("Cannot use the migration state file " + file + ": " + e.getMessage(), e);
        }
    }

    private static @Nullable JsonNode readLine(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null; // a torn last line
        }
    }

    /** @return whether the file existed: this run resumes an earlier one */
    boolean resumed() {
        return resumed;
    }

    /** @return whether the run that wrote the file was allowed a non-empty target */
    boolean allowNonEmpty() {
        return allowNonEmpty;
    }

    boolean isDone(String scope) {
        return done.contains(scope);
    }

    void markDone(String scope, long count, String checksum) {
        ObjectNode n = JSON.createObjectNode();
        n.put("done", scope);
        n.put("count", count);
        n.put("checksum", checksum);
        try {
            append(n);
        } catch (IOException e) {
            throw new MigrationException("Cannot write the migration state file " + file + ": " + e.getMessage(), e);
        }
        done.add(scope);
    }

    private void append(ObjectNode n) throws IOException {
        // A torn line from a crash has no newline: start on a fresh line so this one stays readable.
        String text = (channel.size() > 0 && !endsWithNewline() ? "\n" : "") + JSON.writeValueAsString(n) + "\n";
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        long at = channel.size();
        while (buf.hasRemaining()) {
            at += channel.write(buf, at);
        }
        channel.force(false);
    }

    private boolean endsWithNewline() throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, channel.size() - 1);
        return last.get(0) == '\n';
    }

    /** Closes the file and deletes it: the migration finished and verified. */
    void finish() {
        close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new MigrationException("Cannot delete the migration state file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was lost: every line was forced when written
        }
    }
}
