package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.InvalidKeyException;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.SerializationException;
import dev.plinth.api.storage.TypeRef;
import dev.plinth.api.storage.ValueTooLargeException;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.spi.storage.Counters;
import dev.plinth.tck.StorageContractTck.Note;
import dev.plinth.tck.StorageContractTck.Unwritable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The storage contract, concern "Values": run for each provider by {@link StorageContractTck}, whose
 * nested {@code Values} class extends this one; the fixture (the provider, its engines and stores) is that
 * entry class's.
 *
 * <p>The largest concern (about 520 lines): values are bytes, text, JSON objects, counters and batches,
 * with their limits, and each is a clause of its own.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class ValuesContract extends TckConcern {

    /** @param tck the entry class running this concern */
    protected ValuesContract(StorageContractTck tck) {
        super(tck);
    }

    /** @return the 256 byte values, 0 to 255, in order */
    private static byte[] everyByteValue() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        return all;
    }

    @Test
    @DisplayName("KeyValueStore#Values: the bytes set are the bytes read, all 256 byte values included")
    void bytesRoundTrip() {
        byte[] all = everyByteValue();
        store().set("bin", all);
        assertThat(store().get("bin")).hasValueSatisfying(v -> assertThat(v).containsExactly(all));
    }

    @Test
    @DisplayName(
            "KeyValueStore#getView: a read-only snapshot of the value; later writes and deletes leave it as it was")
    void viewIsAReadOnlySnapshot() {
        byte[] first = {1, 2, 3, 4, 5};
        store().set("v", first);
        java.nio.ByteBuffer view = store().getView("v").orElseThrow();
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.position()).isZero();
        assertThat(view.remaining()).isEqualTo(5);
        assertThatThrownBy(() -> view.put(0, (byte) 9)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
        first[0] = 7; // the array handed to set is the caller's: changing it changes no view
        store().set("v", new byte[] {6, 6});
        store().delete("v");
        byte[] seen = new byte[view.remaining()];
        view.get(seen);
        assertThat(seen).containsExactly(1, 2, 3, 4, 5);
        assertThat(store().getView("v")).isEmpty();
    }

    @Test
    @DisplayName("KeyValueStore#getView: each call gets its own buffer, whose bytes are get()'s")
    void viewsAreIndependentBuffersOfTheSameBytes() {
        byte[] all = everyByteValue();
        store().set("bin", all);
        store().set("empty", new byte[0]);
        java.nio.ByteBuffer one = store().getView("bin").orElseThrow();
        java.nio.ByteBuffer two = store().getView("bin").orElseThrow();
        one.position(100);
        assertThat(two.position()).isZero();
        byte[] read = new byte[two.remaining()];
        two.get(read);
        assertThat(read).containsExactly(store().get("bin").orElseThrow());
        assertThat(store().getView("empty"))
                .hasValueSatisfying(v -> assertThat(v.remaining()).isZero());
        assertThatThrownBy(() -> store().getView("bad\u0000key")).isInstanceOf(InvalidKeyException.class);
    }

    @Test
    @DisplayName("KeyValueStore#Errors: an empty value is a present value, not absence")
    void emptyValueIsPresent() {
        store().set("empty", new byte[0]);
        assertThat(store().get("empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
        assertThat(store().exists("empty")).isTrue();
        assertThat(store().keys("*")).containsExactly("empty");
    }

    @Test
    @DisplayName("KeyValueStore#setString/getString: text is stored as UTF-8, supplementary characters included")
    void stringRoundTrip() {
        String text = "héllo wörld \u20AC \uD83D\uDE00 \uFFFD \u4E2D";
        store().setString("s", text);
        assertThat(store().getString("s")).hasValue(text);
        assertThat(store().get("s")).hasValueSatisfying(v -> assertThat(v).containsExactly(bytes(text)));
    }

    @Test
    @DisplayName("KeyValueStore#getString: bytes written with set are read as UTF-8")
    void getStringDecodesBytes() {
        store().set("b", bytes("z\u00FCrich"));
        assertThat(store().getString("b")).hasValue("z\u00FCrich");
    }

    @Test
    @DisplayName("KeyValueStore#setObject/getObject: a record round-trips as JSON")
    void recordRoundTrip() {
        Note note = new Note("groceries", 4, List.of("milk", "\uD83E\uDD5A"));
        store().setObject("note", note);
        assertThat(store().getObject("note", Note.class)).hasValue(note);
    }

    @Test
    @DisplayName("KeyValueStore#getObject(TypeRef): a List of records round-trips through a generic type")
    void listOfRecordsRoundTrip() {
        List<Note> notes = List.of(new Note("a", 1, List.of()), new Note("b", 2, List.of("x", "y")));
        store().setObject("notes", notes);
        assertThat(store().getObject("notes", new TypeRef<List<Note>>() {})).hasValue(notes);
    }

    @Test
    @DisplayName("KeyValueStore#Values: objects are stored as JSON any tool can read")
    void objectsAreJsonText() {
        store().setObject("note", new Note("t1", 3, List.of("x")));
        String json = store().getString("note").orElseThrow();
        assertThat(json.strip()).startsWith("{").endsWith("}");
        assertThat(json).contains("\"title\"", "\"t1\"", "\"stars\"", "3", "\"tags\"", "\"x\"");
    }

    @Test
    @DisplayName("Entry#valueAs: an entry maps its JSON to a class and to a generic type")
    void entryValueAs() {
        List<Note> notes = List.of(new Note("a", 1, List.of("t")));
        store().setObject("one", notes.get(0));
        store().setObject("many", notes);
        assertThat(store().getEntry("one").orElseThrow().valueAs(Note.class)).isEqualTo(notes.get(0));
        assertThat(store().getEntry("many").orElseThrow().valueAs(new TypeRef<List<Note>>() {}))
                .isEqualTo(notes);
        assertThat(store().getEntry("one").orElseThrow().valueAsString())
                .isEqualTo(store().getString("one").orElseThrow());
    }

    @Test
    @DisplayName(
            "KeyValueStore#getObject: a value that is not JSON of the type throws SerializationException; the data stays")
    void getObjectOfNonJson() {
        store().setString("raw", "not json {");
        assertThatThrownBy(() -> store().getObject("raw", Note.class)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> store().getObject("raw", new TypeRef<List<Note>>() {}))
                .isInstanceOf(SerializationException.class);
        assertThat(store().getString("raw")).hasValue("not json {");
    }

    @Test
    @DisplayName(
            "KeyValueStore#setObject: an object that cannot be written as JSON throws SerializationException; nothing is stored")
    void setObjectUnwritable() {
        store().setString("kept", "old");
        long version = store().getEntry("kept").orElseThrow().version();
        assertThatThrownBy(() -> store().setObject("kept", new Unwritable("x")))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> store().setObject("fresh", new Unwritable("x"), LONG_TTL))
                .isInstanceOf(SerializationException.class);
        assertThat(store().getString("kept")).hasValue("old");
        assertThat(store().getEntry("kept").orElseThrow().version()).isEqualTo(version);
        assertThat(store().exists("fresh")).isFalse();
    }

    @Test
    @DisplayName(
            "KeyValueStore#Values: copied in: changing the array after set, setIfAbsent, compareAndSet or setAll does not change the store")
    void copiedIn() {
        byte[] a = bytes("aaa");
        store().set("set", a);
        a[0] = 'X';
        byte[] b = bytes("bbb");
        store().set("ttl", b, LONG_TTL);
        b[0] = 'X';
        byte[] c = bytes("ccc");
        store().setIfAbsent("ifabsent", c);
        c[0] = 'X';
        byte[] d = bytes("ddd");
        store().compareAndSet("cas", KeyValueStore.ABSENT, d);
        d[0] = 'X';
        byte[] e = bytes("eee");
        Map<String, byte[]> batch = new LinkedHashMap<>();
        batch.put("all", e);
        store().setAll(batch);
        e[0] = 'X';
        assertThat(store().getString("set")).hasValue("aaa");
        assertThat(store().getString("ttl")).hasValue("bbb");
        assertThat(store().getString("ifabsent")).hasValue("ccc");
        assertThat(store().getString("cas")).hasValue("ddd");
        assertThat(store().getString("all")).hasValue("eee");
    }

    @Test
    @DisplayName(
            "KeyValueStore#Values: copied out: changing an array returned by get, getAll or getEntry does not change the store")
    void copiedOut() {
        store().setString("k", "value");
        store().get("k").orElseThrow()[0] = 'X';
        store().getAll(List.of("k")).get("k")[0] = 'X';
        Entry entry = store().getEntry("k").orElseThrow();
        entry.value()[0] = 'X';
        assertThat(entry.value()).containsExactly(bytes("value"));
        assertThat(store().getString("k")).hasValue("value");
    }

    @Test
    @DisplayName("KeyValueStore#Values: copied out: changing an object returned by getObject does not change the store")
    void objectsCopiedOut() {
        store().setObject("list", List.of("a", "b"));
        List<String> read =
                store().getObject("list", new TypeRef<List<String>>() {}).orElseThrow();
        try {
            read.set(0, "changed");
        } catch (UnsupportedOperationException immutable) {
            // An unmodifiable result is a copy by construction.
        }
        assertThat(store().getObject("list", new TypeRef<List<String>>() {})).hasValue(List.of("a", "b"));
    }

    @Test
    @DisplayName("KeyValueStore#Values: null values throw NullPointerException and store nothing")
    void nullValues() {
        assertThatThrownBy(() -> store().set("n", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().set("n", null, LONG_TTL)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().setString("n", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().setObject("n", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().setIfAbsent("n", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store().compareAndSet("n", KeyValueStore.ABSENT, null))
                .isInstanceOf(NullPointerException.class);
        assertThat(store().exists("n")).isFalse();
        assertThat(store().count("*")).isZero();
    }

    @Test
    @DisplayName(
            "KeyValueStore#Errors: absent is an empty result: get, getString, getObject, getEntry, ttl, getAll, keys")
    void absentIsEmpty() {
        assertThat(store().get("missing")).isEmpty();
        assertThat(store().getString("missing")).isEmpty();
        assertThat(store().getObject("missing", Note.class)).isEmpty();
        assertThat(store().getObject("missing", new TypeRef<List<Note>>() {})).isEmpty();
        assertThat(store().getEntry("missing")).isEmpty();
        assertThat(store().exists("missing")).isFalse();
        assertThat(store().ttl("missing")).isEmpty();
        assertThat(store().getAll(List.of("missing"))).isEmpty();
        assertThat(store().keys("*")).isEmpty();
        assertThat(store().keys("*", 10).keys()).isEmpty();
        assertThat(store().keys("*", 10).hasMore()).isFalse();
        assertThat(store().count("*")).isZero();
    }

    @Test
    @DisplayName("KeyValueStore#set: returns the key's new version, positive, the one getEntry reports")
    void setReturnsVersion() {
        long v = store().setString("k", "x");
        assertThat(v).isPositive();
        Entry e = store().getEntry("k").orElseThrow();
        assertThat(e.key()).isEqualTo("k");
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.valueAsString()).isEqualTo("x");
        assertThat(e.expiresAt()).isEmpty();
    }

    @Test
    @DisplayName("KeyValueStore#set: a second set replaces the value")
    void setOverwrites() {
        store().setString("k", "one");
        store().setString("k", "two");
        assertThat(store().getString("k")).hasValue("two");
        assertThat(store().count("*")).isEqualTo(1);
    }

    @Test
    @DisplayName("KeyValueStore#delete: true when a live key was deleted, false when absent")
    void deleteReturnValue() {
        store().setString("k", "x");
        assertThat(store().delete("k")).isTrue();
        assertThat(store().exists("k")).isFalse();
        assertThat(store().get("k")).isEmpty();
        assertThat(store().delete("k")).isFalse();
        assertThat(store().delete("never")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#exists: true for a present key, false for an absent one")
    void exists() {
        store().setString("here", "x");
        assertThat(store().exists("here")).isTrue();
        assertThat(store().exists("there")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#getAll: present keys in the order asked, absent left out, duplicates read once")
    void getAllOrder() {
        seed(store(), "c", "a", "b");
        Map<String, byte[]> got = store().getAll(List.of("b", "missing", "a", "c", "a"));
        assertThat(got.keySet()).containsExactly("b", "a", "c");
        assertThat(text(got.get("a"))).isEqualTo("v:a");
        assertThat(text(got.get("b"))).isEqualTo("v:b");
        assertThat(text(got.get("c"))).isEqualTo("v:c");
        assertThat(store().getAll(List.of())).isEmpty();
        assertThat(store().getAll(List.of("c", "b")).keySet()).containsExactly("c", "b");
    }

    @Test
    @DisplayName("KeyValueStore#setAll: stores every value, none expiring; replaces earlier values and expiry")
    void setAllStoresAll() {
        store().setString("b", "old", LONG_TTL);
        Map<String, byte[]> batch = new LinkedHashMap<>();
        batch.put("a", bytes("1"));
        batch.put("b", bytes("2"));
        batch.put("c", bytes("3"));
        store().setAll(batch);
        assertThat(store().getString("a")).hasValue("1");
        assertThat(store().getString("b")).hasValue("2");
        assertThat(store().getString("c")).hasValue("3");
        for (String k : List.of("a", "b", "c")) {
            assertThat(store().getEntry(k).orElseThrow().expiresAt()).as(k).isEmpty();
        }
    }

    @Test
    @DisplayName(
            "KeyValueStore#setAll: atomic: a batch with an invalid key throws InvalidKeyException and stores none of it")
    void setAllAtomicOnInvalidKey() {
        store().setString("a", "old");
        Map<String, byte[]> batch = new LinkedHashMap<>();
        batch.put("a", bytes("new"));
        batch.put("b", bytes("new"));
        batch.put("bad\u0000key", bytes("new"));
        assertThatThrownBy(() -> store().setAll(batch)).isInstanceOf(InvalidKeyException.class);
        assertThat(store().getString("a")).hasValue("old");
        assertThat(store().exists("b")).isFalse();
    }

    @Test
    @DisplayName("KeyValueStore#setAll: an empty batch stores nothing and is not an error")
    void setAllEmpty() {
        store().setAll(Map.of());
        store().setAll(Map.of(), LONG_TTL);
        assertThat(store().count("*")).isZero();
    }

    @Test
    @DisplayName(
            "KeyValueStore#deleteAll: counts the live keys deleted; duplicates count once; absent keys not counted")
    void deleteAllCount() {
        seed(store(), "a", "b", "c");
        assertThat(store().deleteAll(List.of("a", "b", "missing", "a"))).isEqualTo(2);
        assertThat(store().keys("*")).containsExactly("c");
        assertThat(store().deleteAll(List.of("a"))).isZero();
        assertThat(store().deleteAll(List.of())).isZero();
    }

    @Test
    @DisplayName("KeyValueStore#setIfAbsent: stores when absent, returns false and changes nothing when present")
    void setIfAbsent() {
        assertThat(store().setIfAbsent("k", bytes("first"))).isTrue();
        long v = store().getEntry("k").orElseThrow().version();
        assertThat(store().setIfAbsent("k", bytes("second"))).isFalse();
        assertThat(store().setIfAbsent("k", bytes("third"), LONG_TTL)).isFalse();
        assertThat(store().getString("k")).hasValue("first");
        Entry e = store().getEntry("k").orElseThrow();
        assertThat(e.version()).isEqualTo(v);
        assertThat(e.expiresAt()).isEmpty();
    }

    @Test
    @DisplayName("KeyValueStore#setIfAbsent(ttl): stores with the expiry when absent")
    void setIfAbsentWithTtl() {
        assertThat(store().setIfAbsent("k", bytes("x"), LONG_TTL)).isTrue();
        assertThat(store().getEntry("k").orElseThrow().expiresAt()).isPresent();
    }

    @Test
    @DisplayName("KeyValueStore#increment: an absent key counts as 0; deltas add up, negatives too")
    void incrementArithmetic() {
        assertThat(store().increment("n", 5)).isEqualTo(5);
        assertThat(store().increment("n", -8)).isEqualTo(-3);
        assertThat(store().increment("n", 0)).isEqualTo(-3);
        assertThat(store().increment("neg", -1)).isEqualTo(-1);
    }

    @Test
    @DisplayName(
            "KeyValueStore#increment: the value is decimal text that getString reads, and text counters are incremented")
    void incrementDecimalText() {
        store().increment("n", 42);
        assertThat(store().getString("n")).hasValue("42");
        store().setString("m", "12");
        assertThat(store().increment("m", 5)).isEqualTo(17);
        assertThat(store().getString("m")).hasValue("17");
        store().setString("big", Long.toString(Long.MAX_VALUE - 1));
        assertThat(store().increment("big", 1)).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest(name = "stored value \"{0}\"")
    @ValueSource(
            strings = {
                "abc",
                "1.5",
                "12abc",
                "{\"n\":1}",
                "007",
                "-0",
                "+5",
                " 5",
                "5 ",
                "0x10",
                "1e3",
                "",
                "-",
                "\u0661",
                "9223372036854775808",
                "-9223372036854775809"
            })
    @DisplayName(
            "KeyValueStore#increment: a value that is not the canonical decimal text of a long throws NotACounterException naming the key; nothing changes")
    void incrementNotACounter(String stored) {
        store().setString("text", stored);
        long version = store().getEntry("text").orElseThrow().version();
        assertThatThrownBy(() -> store().increment("text", 1))
                .isInstanceOfSatisfying(
                        NotACounterException.class, e -> assertThat(e.key()).isEqualTo("text"));
        assertThat(store().getString("text")).hasValue(stored);
        assertThat(store().getEntry("text").orElseThrow().version()).isEqualTo(version);
    }

    @Test
    @DisplayName(
            "KeyValueStore#increment: accepts exactly the values Counters.parse accepts (random strings of digits, signs and look-alikes)")
    void incrementAgreesWithTheOneCounterRule() {
        Random random = new Random(14);
        String alphabet = "0123456789-+ .ex\u0661";
        for (int i = 0; i < 150; i++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(22);
            for (int j = 0; j < length; j++) {
                b.append(alphabet.charAt(random.nextInt(i % 3 == 0 ? alphabet.length() : 11)));
            }
            String stored = b.toString();
            String key = "c" + i;
            store().setString(key, stored);
            Long expected;
            try {
                expected = Counters.add(key, Counters.parse(key, bytes(stored)), 1);
            } catch (NotACounterException e) {
                expected = null;
            }
            if (expected == null) {
                assertThatThrownBy(() -> store().increment(key, 1))
                        .as("increment of \"%s\"", stored)
                        .isInstanceOf(NotACounterException.class);
                assertThat(store().getString(key)).hasValue(stored);
            } else {
                assertThat(store().increment(key, 1))
                        .as("increment of \"%s\"", stored)
                        .isEqualTo(expected);
                assertThat(store().getString(key)).hasValue(Long.toString(expected));
            }
        }
    }

    @Test
    @DisplayName("KeyValueStore#increment: an overflowing sum throws NotACounterException; the counter is intact")
    void incrementOverflow() {
        store().increment("max", Long.MAX_VALUE);
        assertThatThrownBy(() -> store().increment("max", 1)).isInstanceOf(NotACounterException.class);
        assertThat(store().getString("max")).hasValue(Long.toString(Long.MAX_VALUE));
        store().increment("min", Long.MIN_VALUE);
        assertThatThrownBy(() -> store().increment("min", -1)).isInstanceOf(NotACounterException.class);
        assertThat(store().getString("min")).hasValue(Long.toString(Long.MIN_VALUE));
    }

    @Test
    @DisplayName(
            "KeyValueStore#getObject: a stored JSON null is not an absent key: getObject and Entry#valueAs throw SerializationException naming it")
    void jsonNullIsNotAbsent() {
        store().setString("nothing", "null");
        assertThat(store().exists("nothing")).isTrue();
        assertThatThrownBy(() -> store().getObject("nothing", Note.class))
                .isInstanceOfSatisfying(
                        SerializationException.class, e -> assertThat(e.key()).isEqualTo("nothing"));
        assertThatThrownBy(() -> store().getObject("nothing", new TypeRef<List<String>>() {}))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> store().getEntry("nothing").orElseThrow().valueAs(Note.class))
                .isInstanceOf(SerializationException.class);
        assertThat(store().getObject("absent", Note.class)).isEmpty();
        assertThat(store().getString("nothing")).hasValue("null");
    }

    @Test
    @DisplayName(
            "KeyValueStore#setString: text with an unpaired surrogate throws SerializationException naming the key; nothing is stored")
    void unpairedSurrogateInTextIsRefused() {
        store().setString("k", "old");
        long version = store().getEntry("k").orElseThrow().version();
        for (String bad : List.of("\uD800", "a\uDC00b", "\uDBFF\uDBFF\uDFFF", "end\uD83D")) {
            List<Executable> calls = List.of(
                    () -> store().setString("k", bad),
                    () -> store().setString("k", bad, LONG_TTL),
                    () -> store().setString("n", bad),
                    () -> store().transaction().setString("n", bad).commit());
            for (Executable call : calls) {
                assertThatThrownBy(call::execute)
                        .isInstanceOfSatisfying(
                                SerializationException.class,
                                e -> assertThat(e.getMessage()).contains("unpaired surrogate"));
            }
        }
        assertThat(store().getEntry("k").orElseThrow().version()).isEqualTo(version);
        assertThat(store().getString("k")).hasValue("old");
        assertThat(store().exists("n")).isFalse();
        String paired = "\uD83D\uDE00 ok";
        store().setString("k", paired);
        assertThat(store().getString("k")).hasValue(paired);
    }

    @Test
    @DisplayName(
            "KeyValueStore#Values: a value over maxValueBytes throws ValueTooLargeException naming the key; the old value is intact")
    void valueTooLarge() {
        KeyValueStore s = openEngine(Map.of(), StorageSettings.defaults().withMaxValueBytes(1024))
                .store(PLUGIN);
        s.setString("k", "old");
        long version = s.getEntry("k").orElseThrow().version();
        assertThat(s.set("exact", new byte[1024])).isPositive();
        assertThatThrownBy(() -> s.set("k", new byte[1025])).isInstanceOfSatisfying(ValueTooLargeException.class, e -> {
            assertThat(e.key()).isEqualTo("k");
            assertThat(e.size()).isEqualTo(1025);
            assertThat(e.limit()).isEqualTo(1024);
        });
        assertThatThrownBy(() -> s.set("k", new byte[1025], LONG_TTL)).isInstanceOf(ValueTooLargeException.class);
        // 342 three-byte characters: 1,026 UTF-8 bytes in only 342 chars.
        assertThatThrownBy(() -> s.setString("k", "\u20AC".repeat(342))).isInstanceOf(ValueTooLargeException.class);
        assertThatThrownBy(() -> s.setObject("k", List.of("x".repeat(1100))))
                .isInstanceOf(ValueTooLargeException.class);
        assertThatThrownBy(() -> s.setIfAbsent("new", new byte[1025])).isInstanceOf(ValueTooLargeException.class);
        assertThatThrownBy(() -> s.compareAndSet("k", version, new byte[1025]))
                .isInstanceOf(ValueTooLargeException.class);
        Map<String, byte[]> batch = new LinkedHashMap<>();
        batch.put("small", new byte[1]);
        batch.put("k", new byte[1025]);
        assertThatThrownBy(() -> s.setAll(batch)).isInstanceOf(ValueTooLargeException.class);
        assertThatThrownBy(() -> s.transaction().set("k", new byte[1025])).isInstanceOf(ValueTooLargeException.class);
        assertThat(s.getString("k")).hasValue("old");
        assertThat(s.getEntry("k").orElseThrow().version()).isEqualTo(version);
        assertThat(s.keys("*")).containsExactly("exact", "k");
    }
}
