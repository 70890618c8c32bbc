package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.InvalidKeyException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.TypeRef;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.tck.StorageContractTck.Note;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage contract, concern "KeysValidation": run for each provider by {@link StorageContractTck}, whose
 * nested {@code KeysValidation} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class KeysValidationContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected KeysValidationContract(StorageContractTck tck) {
        super(tck);
    }

    static Stream<Named<String>> invalidKeys() {
        return Stream.of(
                Named.of("empty", ""),
                Named.of("513 ASCII bytes", "k".repeat(513)),
                Named.of("513 UTF-8 bytes in 129 chars", "\uD83D\uDE00".repeat(128) + "a"),
                Named.of("513 UTF-8 bytes of three-byte chars", "\u20AC".repeat(171)),
                Named.of("NUL", "a\u0000b"),
                Named.of("newline", "line\nbreak"),
                Named.of("U+001F", "\u001F"),
                Named.of("DEL U+007F", "a\u007F"),
                Named.of("C1 U+0080", "\u0080x"),
                Named.of("C1 U+009F", "x\u009F"),
                Named.of("lone high surrogate at end", "a\uD83D"),
                Named.of("lone high surrogate before a letter", "\uD83Dx"),
                Named.of("lone low surrogate", "a\uDE00b"),
                Named.of("reversed surrogate pair", "\uDE00\uD83D"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidKeys")
    @DisplayName("KeyValueStore#Keys: every method throws InvalidKeyException naming the key, and nothing changes")
    void invalidKeyRejectedEverywhere(String key) {
        store().setString("kept", "v");
        long version = store().getEntry("kept").orElseThrow().version();
        EventRecorder events = new EventRecorder();
        try (Subscription sub = store().watch("*", events)) {
            List<Executable> calls = List.of(
                    () -> store().get(key),
                    () -> store().getString(key),
                    () -> store().getObject(key, Note.class),
                    () -> store().getObject(key, new TypeRef<List<Note>>() {}),
                    () -> store().getEntry(key),
                    () -> store().exists(key),
                    () -> store().getAll(List.of("kept", key)),
                    () -> store().set(key, bytes("x")),
                    () -> store().set(key, bytes("x"), LONG_TTL),
                    () -> store().setString(key, "x"),
                    () -> store().setString(key, "x", LONG_TTL),
                    () -> store().setObject(key, List.of(1)),
                    () -> store().setObject(key, List.of(1), LONG_TTL),
                    () -> store().setIfAbsent(key, bytes("x")),
                    () -> store().setIfAbsent(key, bytes("x"), LONG_TTL),
                    () -> store().compareAndSet(key, KeyValueStore.ABSENT, bytes("x")),
                    () -> store().compareAndSet(key, KeyValueStore.ABSENT, bytes("x"), LONG_TTL),
                    () -> store().increment(key, 1),
                    () -> store().delete(key),
                    () -> store().setAll(batchWith(key)),
                    () -> store().setAll(batchWith(key), LONG_TTL),
                    () -> store().deleteAll(List.of("kept", key)),
                    () -> store().ttl(key),
                    () -> store().expire(key, LONG_TTL),
                    () -> store().persist(key),
                    () -> store().transaction().set(key, bytes("x")),
                    () -> store().transaction().setString(key, "x"),
                    () -> store().transaction().setObject(key, List.of(1)),
                    () -> store().transaction().delete(key),
                    () -> store().transaction().requireVersion(key, 1),
                    () -> store().transaction().requireAbsent(key),
                    () -> store().lock(key, Duration.ZERO),
                    () -> store().tryLock(key));
            for (int i = 0; i < calls.size(); i++) {
                assertThatThrownBy(calls.get(i)::execute)
                        .as("call #%d", i)
                        .isInstanceOfSatisfying(
                                InvalidKeyException.class,
                                e -> assertThat(e.key()).isEqualTo(key));
            }
            flush(store(), events, "marker");
            assertThat(events.after(version)).extracting(ChangeEvent::key).containsExactly(Optional.of("marker"));
        }
        store().delete("marker");
        assertThat(store().keys("*")).containsExactly("kept");
        assertThat(store().getEntry("kept").orElseThrow().version()).isEqualTo(version);
        assertThat(engine().lockEntries()).isZero();
    }

    private Map<String, byte[]> batchWith(String key) {
        Map<String, byte[]> batch = new LinkedHashMap<>();
        batch.put("kept", bytes("changed"));
        batch.put(key, bytes("x"));
        return batch;
    }

    @Test
    @DisplayName("KeyValueStore#Keys: a null key throws InvalidKeyException")
    void nullKey() {
        assertThatThrownBy(() -> store().get(null)).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> store().set(null, bytes("x"))).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> store().delete(null)).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> store().exists(null)).isInstanceOf(InvalidKeyException.class);
        assertThat(store().count("*")).isZero();
    }

    @Test
    @DisplayName("KeyValueStore#Keys: 1 to 512 UTF-8 bytes are accepted, multi-byte characters included")
    void longestKeys() {
        List<String> keys = List.of(
                "k", "k".repeat(512), "\uD83D\uDE00".repeat(128), "\u20AC".repeat(170) + "ab", "\u00E9".repeat(256));
        for (String k : keys) {
            assertThat(k.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512);
            store().setString(k, "v");
            assertThat(store().getString(k)).as(k).hasValue("v");
        }
        assertThat(store().keys("*")).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(store().keys("*")).isSortedAccordingTo(KeyRules.UTF8_ORDER);
        assertThat(store().deleteAll(keys)).isEqualTo(keys.size());
    }

    @Test
    @DisplayName("KeyValueStore#Keys: spaces, separators, quotes and non-control Unicode are ordinary key characters")
    void ordinaryCharacters() {
        List<String> keys = List.of(
                " ",
                "a b",
                "'quoted'",
                "\"dq\"",
                "semi;colon",
                "--",
                "/*c*/",
                "\u00A0nbsp",
                "\u200B",
                "tab-free\u2028",
                "\uFEFF",
                "\uFFFF");
        for (String k : keys) {
            store().setString(k, k);
        }
        for (String k : keys) {
            assertThat(store().getString(k)).as(k).hasValue(k);
        }
        assertThat(store().count("*")).isEqualTo(keys.size());
    }
}
