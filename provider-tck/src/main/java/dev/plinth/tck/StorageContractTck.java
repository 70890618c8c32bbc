package dev.plinth.tck;

import dev.plinth.api.plugin.InvalidPluginIdException;
import dev.plinth.api.storage.ChangeEvent;
import dev.plinth.api.storage.ChangeType;
import dev.plinth.api.storage.Entry;
import dev.plinth.api.storage.InvalidArgumentException;
import dev.plinth.api.storage.InvalidKeyException;
import dev.plinth.api.storage.InvalidPatternException;
import dev.plinth.api.storage.KeyPage;
import dev.plinth.api.storage.KeyValueStore;
import dev.plinth.api.storage.LockHandle;
import dev.plinth.api.storage.LockTimeoutException;
import dev.plinth.api.storage.NotACounterException;
import dev.plinth.api.storage.QuotaExceededException;
import dev.plinth.api.storage.SerializationException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StoreClosedException;
import dev.plinth.api.storage.Subscription;
import dev.plinth.api.storage.Transaction;
import dev.plinth.api.storage.TypeRef;
import dev.plinth.api.storage.ValueTooLargeException;
import dev.plinth.api.storage.VersionConflictException;
import dev.plinth.core.storage.StorageEngine;
import dev.plinth.core.config.StorageSettings;
import dev.plinth.spi.storage.Capability;
import dev.plinth.spi.storage.CommonOptions;
import dev.plinth.spi.storage.Counters;
import dev.plinth.spi.storage.GlobPattern;
import dev.plinth.spi.storage.KeyRules;
import dev.plinth.spi.storage.OptionSpec;
import dev.plinth.spi.storage.ProviderConfig;
import dev.plinth.spi.storage.StorageProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The storage contract of {@link KeyValueStore} as JUnit 5 tests, run against a provider through
 * runtime-core's {@link StorageEngine}, the way plugins meet it. A provider's test suite extends this class
 * and supplies {@link #provider()} and {@link #freshOptions()}; every concern is a {@link Nested} inner
 * class, which JUnit discovers and runs through the concrete subclass.
 *
 * <p>Each test opens its engines with {@link #openEngine} (or lazily through {@link #store()}), on one data
 * set from {@link #freshOptions()}; every engine is closed after the test. Each test names the javadoc
 * clause it checks in its display name ({@code KeyValueStore#Expiry: ...}). Tests of a {@link Capability}
 * are generated only when the provider declares it, so no test is ever skipped. The TCK makes no timed assertions:
 * asynchronous outcomes (expiry, events) are polled for with a generous deadline.
 */
@SuppressWarnings("try") // try-with-resources keeps subscriptions and locks scoped to the block that needs them
public abstract class StorageContractTck {
    /** The plugin id of the store most tests use. */
    protected static final String PLUGIN = "plugin-a";
    /** A TTL long enough never to pass during a test. */
    protected static final Duration LONG_TTL = Duration.ofHours(1);
    /** A TTL short enough to wait for. Tests never assume such a key is still present. */
    protected static final Duration SHORT_TTL = Duration.ofMillis(150);

    private final List<StorageEngine> engines = new ArrayList<>();
    private StorageProvider provider;
    private Map<String, String> options;
    private StorageEngine engine;

    /**
     * @return the provider under test (a new instance is fine)
     */
    protected abstract StorageProvider provider();

    /**
     * @return raw option values (names without the {@code plinth.storage.<id>.} prefix) for a fresh, empty
     *     data set unique to this call: a new temp file or directory, a unique Redis key prefix. Called once
     *     per test; the TCK may open a second engine with the same options to test persistence or sharing.
     */
    protected abstract Map<String, String> freshOptions();

    @AfterEach
    final synchronized void closeEngines() {
        RuntimeException failure = null;
        for (int i = engines.size() - 1; i >= 0; i--) {
            try {
                engines.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        engines.clear();
        engine = null;
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------------------------- fixture

    /** @return the provider instance of this test (created once per test) */
    protected final synchronized StorageProvider testedProvider() {
        if (provider == null) {
            provider = provider();
        }
        return provider;
    }

    /** @return this test's options, from one call of {@link #freshOptions()} */
    protected final synchronized Map<String, String> options() {
        if (options == null) {
            options = Map.copyOf(freshOptions());
        }
        return options;
    }

    /**
     * Opens an engine on this test's data set with default settings.
     *
     * @param overrides option values set after {@link #freshOptions()}, for example {@code maxKeys}
     * @return the engine, closed after the test
     */
    protected final StorageEngine openEngine(Map<String, String> overrides) {
        return openEngine(overrides, StorageSettings.defaults());
    }

    /**
     * Opens an engine on this test's data set.
     *
     * @param overrides option values set after {@link #freshOptions()}
     * @param settings the runtime settings
     * @return the engine, closed after the test
     */
    protected final synchronized StorageEngine openEngine(Map<String, String> overrides, StorageSettings settings) {
        StorageProvider p = testedProvider();
        ProviderConfig.Builder config = ProviderConfig.builder(p);
        options().forEach(config::set);
        overrides.forEach(config::set);
        StorageEngine opened = StorageEngine.open(p, config.build(), settings);
        engines.add(opened);
        return opened;
    }

    /** @return the test's default engine, opened on first use with default options and settings */
    protected final synchronized StorageEngine engine() {
        if (engine == null) {
            engine = openEngine(Map.of());
        }
        return engine;
    }

    /** @return the store of plugin {@value #PLUGIN} on the default engine */
    protected final KeyValueStore store() {
        return engine().store(PLUGIN);
    }

    /**
     * @param pluginId a plugin id
     * @return that plugin's store on the default engine
     */
    protected final KeyValueStore store(String pluginId) {
        return engine().store(pluginId);
    }

    /**
     * @param capability a capability
     * @return {@code true} when the provider declares it for this test's options
     *     ({@link StorageProvider#capabilities(ProviderConfig)})
     */
    protected final boolean declares(Capability capability) {
        return testedProvider().capabilities(testedConfig()).contains(capability);
    }

    /** @return this test's options as the provider's validated configuration */
    private ProviderConfig testedConfig() {
        ProviderConfig.Builder config = ProviderConfig.builder(testedProvider());
        options().forEach(config::set);
        return config.build();
    }

    /** Closes this test's engines and draws new options, so the next dynamic test starts from an empty data set. */
    final synchronized void startNextDataSet() {
        closeEngines();
        options = null;
    }

    /** @return the option override that makes background expiry quick, when the provider has the option */
    protected final Map<String, String> fastSweep() {
        return declaresOption(CommonOptions.SWEEP_INTERVAL.name()) ? Map.of(CommonOptions.SWEEP_INTERVAL.name(), "50ms")
                : Map.of();
    }

    private boolean declaresOption(String name) {
        return testedProvider().options().stream().anyMatch(o -> o.name().equals(name));
    }

    /** @return a store of {@value #PLUGIN} on a new engine limited to {@code maxKeys} keys per scope */
    private KeyValueStore storeWithMaxKeys(int maxKeys) {
        return openEngine(Map.of(CommonOptions.MAX_KEYS.name(), Integer.toString(maxKeys))).store(PLUGIN);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static void seed(KeyValueStore s, String... keys) {
        for (String k : keys) {
            s.setString(k, "v:" + k);
        }
    }

    /** Sets {@code key} with {@link #SHORT_TTL} and waits until it has expired. */
    static void expireNow(KeyValueStore s, String key, String value) {
        s.setString(key, value, SHORT_TTL);
        Await.until("key '" + key + "' to expire", () -> s.getEntry(key).isEmpty());
    }

    /** Writes a marker key and waits for its event, so every earlier event of the scope has been delivered. */
    static void flush(KeyValueStore s, EventRecorder r, String marker) {
        s.setString(marker, "marker");
        r.awaitSet(marker);
    }

    /** A record, stored as JSON. */
    public record Note(String title, int stars, List<String> tags) {
    }

    /** A record Jackson cannot write: its accessor throws. */
    public record Unwritable(String name) {
        /** @return never: always throws */
        @Override
        public String name() {
            throw new IllegalStateException("this value cannot be read");
        }
    }

    // =========================================================================================== Values

    @Nested
    @DisplayName("Values")
    class Values {

        @Test
        @DisplayName("KeyValueStore#Values: the bytes set are the bytes read, all 256 byte values included")
        void bytesRoundTrip() {
            byte[] all = new byte[256];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) i;
            }
            store().set("bin", all);
            assertThat(store().get("bin")).hasValueSatisfying(v -> assertThat(v).containsExactly(all));
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
            assertThat(store().getObject("notes", new TypeRef<List<Note>>() { })).hasValue(notes);
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
            assertThat(store().getEntry("many").orElseThrow().valueAs(new TypeRef<List<Note>>() { })).isEqualTo(notes);
            assertThat(store().getEntry("one").orElseThrow().valueAsString()).isEqualTo(store().getString("one").orElseThrow());
        }

        @Test
        @DisplayName("KeyValueStore#getObject: a value that is not JSON of the type throws SerializationException; the data stays")
        void getObjectOfNonJson() {
            store().setString("raw", "not json {");
            assertThatThrownBy(() -> store().getObject("raw", Note.class)).isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> store().getObject("raw", new TypeRef<List<Note>>() { }))
                    .isInstanceOf(SerializationException.class);
            assertThat(store().getString("raw")).hasValue("not json {");
        }

        @Test
        @DisplayName("KeyValueStore#setObject: an object that cannot be written as JSON throws SerializationException; nothing is stored")
        void setObjectUnwritable() {
            store().setString("kept", "old");
            long version = store().getEntry("kept").orElseThrow().version();
            assertThatThrownBy(() -> store().setObject("kept", new Unwritable("x"))).isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> store().setObject("fresh", new Unwritable("x"), LONG_TTL))
                    .isInstanceOf(SerializationException.class);
            assertThat(store().getString("kept")).hasValue("old");
            assertThat(store().getEntry("kept").orElseThrow().version()).isEqualTo(version);
            assertThat(store().exists("fresh")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#Values: copied in: changing the array after set, setIfAbsent, compareAndSet or setAll does not change the store")
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
        @DisplayName("KeyValueStore#Values: copied out: changing an array returned by get, getAll or getEntry does not change the store")
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
            List<String> read = store().getObject("list", new TypeRef<List<String>>() { }).orElseThrow();
            try {
                read.set(0, "changed");
            } catch (UnsupportedOperationException immutable) {
                // An unmodifiable result is a copy by construction.
            }
            assertThat(store().getObject("list", new TypeRef<List<String>>() { })).hasValue(List.of("a", "b"));
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
        @DisplayName("KeyValueStore#Errors: absent is an empty result: get, getString, getObject, getEntry, ttl, getAll, keys")
        void absentIsEmpty() {
            assertThat(store().get("missing")).isEmpty();
            assertThat(store().getString("missing")).isEmpty();
            assertThat(store().getObject("missing", Note.class)).isEmpty();
            assertThat(store().getObject("missing", new TypeRef<List<Note>>() { })).isEmpty();
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
        @DisplayName("KeyValueStore#setAll: atomic: a batch with an invalid key throws InvalidKeyException and stores none of it")
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
        @DisplayName("KeyValueStore#deleteAll: counts the live keys deleted; duplicates count once; absent keys not counted")
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
        @DisplayName("KeyValueStore#increment: the value is decimal text that getString reads, and text counters are incremented")
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
        @ValueSource(strings = {"abc", "1.5", "12abc", "{\"n\":1}", "007", "-0", "+5", " 5", "5 ", "0x10", "1e3", "",
            "-", "\u0661", "9223372036854775808", "-9223372036854775809"})
        @DisplayName("KeyValueStore#increment: a value that is not the canonical decimal text of a long throws NotACounterException naming the key; nothing changes")
        void incrementNotACounter(String stored) {
            store().setString("text", stored);
            long version = store().getEntry("text").orElseThrow().version();
            assertThatThrownBy(() -> store().increment("text", 1))
                    .isInstanceOfSatisfying(NotACounterException.class, e -> assertThat(e.key()).isEqualTo("text"));
            assertThat(store().getString("text")).hasValue(stored);
            assertThat(store().getEntry("text").orElseThrow().version()).isEqualTo(version);
        }

        @Test
        @DisplayName("KeyValueStore#increment: accepts exactly the values Counters.parse accepts (random strings of digits, signs and look-alikes)")
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
                    assertThatThrownBy(() -> store().increment(key, 1)).as("increment of \"%s\"", stored)
                            .isInstanceOf(NotACounterException.class);
                    assertThat(store().getString(key)).hasValue(stored);
                } else {
                    assertThat(store().increment(key, 1)).as("increment of \"%s\"", stored).isEqualTo(expected);
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
        @DisplayName("KeyValueStore#getObject: a stored JSON null is not an absent key: getObject and Entry#valueAs throw SerializationException naming it")
        void jsonNullIsNotAbsent() {
            store().setString("nothing", "null");
            assertThat(store().exists("nothing")).isTrue();
            assertThatThrownBy(() -> store().getObject("nothing", Note.class)).isInstanceOfSatisfying(
                    SerializationException.class, e -> assertThat(e.key()).isEqualTo("nothing"));
            assertThatThrownBy(() -> store().getObject("nothing", new TypeRef<List<String>>() { }))
                    .isInstanceOf(SerializationException.class);
            assertThatThrownBy(() -> store().getEntry("nothing").orElseThrow().valueAs(Note.class))
                    .isInstanceOf(SerializationException.class);
            assertThat(store().getObject("absent", Note.class)).isEmpty();
            assertThat(store().getString("nothing")).hasValue("null");
        }

        @Test
        @DisplayName("KeyValueStore#setString: text with an unpaired surrogate throws SerializationException naming the key; nothing is stored")
        void unpairedSurrogateInTextIsRefused() {
            store().setString("k", "old");
            long version = store().getEntry("k").orElseThrow().version();
            for (String bad : List.of("\uD800", "a\uDC00b", "\uDBFF\uDBFF\uDFFF", "end\uD83D")) {
                List<Executable> calls = List.of(() -> store().setString("k", bad),
                        () -> store().setString("k", bad, LONG_TTL), () -> store().setString("n", bad),
                        () -> store().transaction().setString("n", bad).commit());
                for (Executable call : calls) {
                    assertThatThrownBy(call::execute).isInstanceOfSatisfying(SerializationException.class,
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
        @DisplayName("KeyValueStore#Values: a value over maxValueBytes throws ValueTooLargeException naming the key; the old value is intact")
        void valueTooLarge() {
            KeyValueStore s = openEngine(Map.of(), StorageSettings.defaults().withMaxValueBytes(1024)).store(PLUGIN);
            s.setString("k", "old");
            long version = s.getEntry("k").orElseThrow().version();
            assertThat(s.set("exact", new byte[1024])).isPositive();
            assertThatThrownBy(() -> s.set("k", new byte[1025]))
                    .isInstanceOfSatisfying(ValueTooLargeException.class, e -> {
                        assertThat(e.key()).isEqualTo("k");
                        assertThat(e.size()).isEqualTo(1025);
                        assertThat(e.limit()).isEqualTo(1024);
                    });
            assertThatThrownBy(() -> s.set("k", new byte[1025], LONG_TTL)).isInstanceOf(ValueTooLargeException.class);
            // 342 three-byte characters: 1,026 UTF-8 bytes in only 342 chars.
            assertThatThrownBy(() -> s.setString("k", "\u20AC".repeat(342))).isInstanceOf(ValueTooLargeException.class);
            assertThatThrownBy(() -> s.setObject("k", List.of("x".repeat(1100)))).isInstanceOf(ValueTooLargeException.class);
            assertThatThrownBy(() -> s.setIfAbsent("new", new byte[1025])).isInstanceOf(ValueTooLargeException.class);
            assertThatThrownBy(() -> s.compareAndSet("k", version, new byte[1025])).isInstanceOf(ValueTooLargeException.class);
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

    // =================================================================================== Versions & CAS

    @Nested
    @DisplayName("Versions & CAS")
    class VersionsAndCas {

        private long version(String key) {
            return store().getEntry(key).orElseThrow().version();
        }

        @Test
        @DisplayName("KeyValueStore#Versions: every kind of write gives a positive version larger than any before")
        void everyWriteIncreases() {
            List<Long> seen = new ArrayList<>();
            seen.add(store().setString("k", "1"));
            seen.add(store().set("k", bytes("2"), LONG_TTL));
            seen.add(store().setObject("k", List.of(3)));
            store().setString("k", "3");
            seen.add(version("k"));
            store().increment("k", 1);
            seen.add(version("k"));
            seen.add(store().compareAndSet("k", version("k"), bytes("5")).orElseThrow());
            seen.add(store().transaction().setString("k", "6").commit().get("k"));
            store().setAll(Map.of("k", bytes("7")));
            seen.add(version("k"));
            store().setIfAbsent("other", bytes("x"));
            assertThat(seen).allMatch(v -> v > 0);
            assertThat(seen).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
        }

        @Test
        @DisplayName("KeyValueStore#Versions: a key deleted and re-created gets a larger version")
        void deleteAndRecreate() {
            long v1 = store().setString("k", "1");
            store().delete("k");
            long v2 = store().setString("k", "2");
            store().deleteAll(List.of("k"));
            long v3 = store().setString("k", "3");
            store().deleteMatching("k");
            long v4 = store().setString("k", "4");
            store().transaction().delete("k").commit();
            long v5 = store().setString("k", "5");
            store().clear();
            long v6 = store().setString("k", "6");
            assertThat(List.of(v1, v2, v3, v4, v5, v6)).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
        }

        @Test
        @DisplayName("KeyValueStore#Versions: a key that expired and is re-created gets a larger version")
        void expireAndRecreate() {
            long v1 = store().setString("k", "1", SHORT_TTL);
            Await.until("'k' to expire", () -> store().getEntry("k").isEmpty());
            long v2 = store().setString("k", "2");
            assertThat(v2).isGreaterThan(v1);
        }

        @Test
        @DisplayName("KeyValueStore#Versions: expire and persist keep the version")
        void expiryChangesKeepVersion() {
            long v = store().setString("k", "x");
            assertThat(store().expire("k", LONG_TTL)).isTrue();
            assertThat(version("k")).isEqualTo(v);
            assertThat(store().persist("k")).isTrue();
            assertThat(version("k")).isEqualTo(v);
            assertThat(store().getString("k")).hasValue("x");
        }

        @Test
        @DisplayName("KeyValueStore#Versions: a write that does not happen (failed CAS, setIfAbsent on a present key) keeps the version")
        void failedWritesKeepVersion() {
            long v = store().setString("k", "x");
            assertThat(store().compareAndSet("k", v + 1000, bytes("y"))).isEmpty();
            assertThat(store().setIfAbsent("k", bytes("z"))).isFalse();
            assertThat(version("k")).isEqualTo(v);
        }

        @Test
        @DisplayName("KeyValueStore#compareAndSet: with the current version it stores and returns the new version")
        void casSucceeds() {
            long v1 = store().setString("k", "1");
            OptionalLong v2 = store().compareAndSet("k", v1, bytes("2"));
            assertThat(v2).isPresent();
            assertThat(v2.getAsLong()).isGreaterThan(v1);
            assertThat(version("k")).isEqualTo(v2.getAsLong());
            assertThat(store().getString("k")).hasValue("2");
        }

        @Test
        @DisplayName("KeyValueStore#compareAndSet: with a stale version it returns empty and changes nothing")
        void casStale() {
            long v1 = store().setString("k", "1");
            long v2 = store().setString("k", "2");
            assertThat(store().compareAndSet("k", v1, bytes("3"))).isEmpty();
            assertThat(store().compareAndSet("k", v1, bytes("3"), LONG_TTL)).isEmpty();
            assertThat(store().getString("k")).hasValue("2");
            assertThat(version("k")).isEqualTo(v2);
            assertThat(store().getEntry("k").orElseThrow().expiresAt()).isEmpty();
        }

        @Test
        @DisplayName("KeyValueStore#compareAndSet: ABSENT stores an absent key and refuses a present one")
        void casAbsent() {
            assertThat(store().compareAndSet("k", KeyValueStore.ABSENT, bytes("1"))).isPresent();
            assertThat(store().compareAndSet("k", KeyValueStore.ABSENT, bytes("2"))).isEmpty();
            assertThat(store().getString("k")).hasValue("1");
        }

        @Test
        @DisplayName("KeyValueStore#compareAndSet: a version on an absent or deleted key returns empty and stores nothing")
        void casVersionOnAbsent() {
            long v = store().setString("k", "1");
            store().delete("k");
            assertThat(store().compareAndSet("k", v, bytes("2"))).isEmpty();
            assertThat(store().compareAndSet("never", 1, bytes("2"))).isEmpty();
            assertThat(store().exists("k")).isFalse();
            assertThat(store().exists("never")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#compareAndSet: the stored value never expires; with a TTL it expires")
        void casExpiry() {
            long v = store().setString("k", "1", LONG_TTL);
            long v2 = store().compareAndSet("k", v, bytes("2")).orElseThrow();
            assertThat(store().getEntry("k").orElseThrow().expiresAt()).isEmpty();
            store().compareAndSet("k", v2, bytes("3"), LONG_TTL).orElseThrow();
            assertThat(store().getEntry("k").orElseThrow().expiresAt()).isPresent();
        }

        @Test
        @DisplayName("KeyValueStore#getEntry: returns key, value, version and expiry in one read")
        void getEntryMetadata() {
            Instant before = Instant.now();
            long v = store().setString("k", "x", LONG_TTL);
            Instant after = Instant.now();
            Entry e = store().getEntry("k").orElseThrow();
            assertThat(e.key()).isEqualTo("k");
            assertThat(e.valueAsString()).isEqualTo("x");
            assertThat(e.version()).isEqualTo(v);
            // Generous slack for clock granularity: this checks the TTL's meaning, not speed.
            assertThat(e.expiresAt()).hasValueSatisfying(at -> assertThat(at)
                    .isAfter(before.plus(LONG_TTL).minusSeconds(5)).isBefore(after.plus(LONG_TTL).plusSeconds(5)));
        }
    }

    // ============================================================================================ TTL

    @Nested
    @DisplayName("TTL")
    class Expiry {

        static Stream<Named<Duration>> invalidTtls() {
            return Stream.of(Named.of("zero", Duration.ZERO), Named.of("negative", Duration.ofMillis(-5)),
                    Named.of("sub-millisecond", Duration.ofNanos(999_999)), Named.of("one nanosecond", Duration.ofNanos(1)),
                    Named.of("one ms over MAX_DURATION", KeyValueStore.MAX_DURATION.plusMillis(1)),
                    Named.of("Long.MAX_VALUE/4 ms", Duration.ofMillis(Long.MAX_VALUE / 4)),
                    Named.of("Long.MAX_VALUE seconds", Duration.ofSeconds(Long.MAX_VALUE)));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("invalidTtls")
        @DisplayName("KeyValueStore#Expiry: a zero, negative, sub-millisecond or over-MAX_DURATION TTL throws InvalidArgumentException naming 'ttl' on every method; nothing changes")
        void invalidTtlRejected(Duration ttl) {
            store().setString("k", "old");
            long v = store().getEntry("k").orElseThrow().version();
            List<Executable> calls = List.of(
                    () -> store().set("k", bytes("new"), ttl),
                    () -> store().set("n", bytes("new"), ttl),
                    () -> store().setString("k", "new", ttl),
                    () -> store().setObject("k", List.of(1), ttl),
                    () -> store().setIfAbsent("n", bytes("new"), ttl),
                    () -> store().compareAndSet("k", v, bytes("new"), ttl),
                    () -> store().compareAndSet("n", KeyValueStore.ABSENT, bytes("new"), ttl),
                    () -> store().setAll(Map.of("k", bytes("new"), "n", bytes("new")), ttl),
                    () -> store().expire("k", ttl),
                    () -> store().transaction().set("n", bytes("new"), ttl).commit());
            for (Executable call : calls) {
                assertThatThrownBy(call::execute).isInstanceOf(InvalidArgumentException.class)
                        .satisfies(t -> assertThat(((InvalidArgumentException) t).argument()).isEqualTo("ttl"));
            }
            Entry e = store().getEntry("k").orElseThrow();
            assertThat(e.valueAsString()).isEqualTo("old");
            assertThat(e.version()).isEqualTo(v);
            assertThat(e.expiresAt()).isEmpty();
            assertThat(store().exists("n")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: TTLs have millisecond precision (not rounded to seconds)")
        void millisecondPrecision() {
            Duration ttl = LONG_TTL.plusMillis(500);
            Instant before = Instant.now();
            store().setString("k", "x", ttl);
            Instant after = Instant.now();
            store().setString("e", "x");
            store().expire("e", ttl);
            Instant afterExpire = Instant.now();
            // The bracket [before, after] absorbs any delay; a TTL rounded to whole seconds lands 500 ms outside.
            Duration tolerance = Duration.ofMillis(50);
            assertThat(store().getEntry("k").orElseThrow().expiresAt()).hasValueSatisfying(at -> assertThat(at)
                    .isAfterOrEqualTo(before.plus(ttl).minus(tolerance)).isBeforeOrEqualTo(after.plus(ttl).plus(tolerance)));
            assertThat(store().getEntry("e").orElseThrow().expiresAt()).hasValueSatisfying(at -> assertThat(at)
                    .isAfterOrEqualTo(after.plus(ttl).minus(tolerance)).isBeforeOrEqualTo(afterExpire.plus(ttl).plus(tolerance)));
            assertThat(store().ttl("k")).hasValueSatisfying(d -> assertThat(d).isLessThanOrEqualTo(ttl));
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: a TTL of exactly MAX_DURATION is stored as given, on every write path")
        void maxDurationIsStoredExactly() {
            Duration max = KeyValueStore.MAX_DURATION;
            Instant before = Instant.now();
            store().setString("s", "x", max);
            store().setAll(Map.of("b", bytes("x")), max);
            store().transaction().set("t", bytes("x"), max).commit();
            store().setString("e", "x");
            store().expire("e", max);
            Instant after = Instant.now();
            Duration tolerance = Duration.ofSeconds(1);
            for (String k : List.of("s", "b", "t", "e")) {
                assertThat(store().getEntry(k).orElseThrow().expiresAt()).as(k).hasValueSatisfying(at -> assertThat(at)
                        .isAfterOrEqualTo(before.plus(max).minus(tolerance)).isBeforeOrEqualTo(after.plus(max).plus(tolerance)));
                assertThat(store().ttl(k)).as(k).hasValueSatisfying(d -> assertThat(d)
                        .isGreaterThan(max.minus(Duration.ofMinutes(1))).isLessThanOrEqualTo(max));
            }
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: one millisecond is a valid TTL")
        void oneMillisecondIsValid() {
            assertThat(store().setString("k", "x", Duration.ofMillis(1))).isPositive();
            Await.until("'k' to expire", () -> store().getEntry("k").isEmpty());
        }

        @Test
        @DisplayName("KeyValueStore#ttl: the time left for a key with a TTL; empty for a key without one or absent")
        void ttlReports() {
            store().setString("t", "x", LONG_TTL);
            store().setString("forever", "x");
            assertThat(store().ttl("t")).hasValueSatisfying(d -> assertThat(d).isPositive().isLessThanOrEqualTo(LONG_TTL)
                    .isGreaterThan(LONG_TTL.minusMinutes(1)));
            assertThat(store().ttl("forever")).isEmpty();
            assertThat(store().ttl("absent")).isEmpty();
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: a key with a short TTL becomes absent")
        void keyExpires() {
            store().setString("k", "x", SHORT_TTL);
            Await.until("'k' to expire", () -> store().get("k").isEmpty());
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: an expired key is invisible to get, getString, getObject, getEntry, exists, ttl and getAll")
        void expiredInvisibleToReads() {
            store().setString("live", "x");
            expireNow(store(), "gone", "1");
            assertThat(store().get("gone")).isEmpty();
            assertThat(store().getString("gone")).isEmpty();
            assertThat(store().getObject("gone", Integer.class)).isEmpty();
            assertThat(store().exists("gone")).isFalse();
            assertThat(store().ttl("gone")).isEmpty();
            assertThat(store().getAll(List.of("gone", "live")).keySet()).containsExactly("live");
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: an expired key is invisible to keys(), keys(limit), keysAfter and count()")
        void expiredInvisibleToListing() {
            seed(store(), "a", "c");
            expireNow(store(), "b", "x");
            assertThat(store().keys("*")).containsExactly("a", "c");
            assertThat(store().keys("b")).isEmpty();
            assertThat(store().keys("*", 10).keys()).containsExactly("a", "c");
            assertThat(store().keysAfter("*", "a", 10).keys()).containsExactly("c");
            assertThat(store().count("*")).isEqualTo(2);
            assertThat(store().count("b")).isZero();
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: an expired key counts as absent for delete, deleteAll, deleteMatching, expire and persist")
        void expiredAbsentForWrites() {
            expireNow(store(), "g1", "x");
            assertThat(store().delete("g1")).isFalse();
            expireNow(store(), "g2", "x");
            assertThat(store().deleteAll(List.of("g2"))).isZero();
            expireNow(store(), "g3", "x");
            assertThat(store().deleteMatching("g*")).isZero();
            expireNow(store(), "g4", "x");
            assertThat(store().expire("g4", LONG_TTL)).isFalse();
            assertThat(store().persist("g4")).isFalse();
            assertThat(store().exists("g4")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: preconditions treat an expired key as absent: CAS ABSENT, setIfAbsent, requireAbsent, increment from 0")
        void expiredAbsentForPreconditions() {
            expireNow(store(), "c1", "old");
            assertThat(store().compareAndSet("c1", KeyValueStore.ABSENT, bytes("new"))).isPresent();
            assertThat(store().getString("c1")).hasValue("new");
            expireNow(store(), "c2", "old");
            assertThat(store().setIfAbsent("c2", bytes("new"))).isTrue();
            expireNow(store(), "c3", "old");
            assertThat(store().transaction().requireAbsent("c3").setString("c3", "new").commit()).containsKey("c3");
            expireNow(store(), "c4", "41");
            assertThat(store().increment("c4", 1)).isEqualTo(1);
            assertThat(store().getEntry("c4").orElseThrow().expiresAt()).isEmpty();
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: a write without a TTL removes an earlier expiry (set, setString, setObject, setAll, transaction)")
        void writeWithoutTtlRemovesExpiry() {
            for (String k : List.of("a", "b", "c", "d", "e")) {
                store().setString(k, "x", LONG_TTL);
            }
            store().set("a", bytes("y"));
            store().setString("b", "y");
            store().setObject("c", List.of("y"));
            store().setAll(Map.of("d", bytes("y")));
            store().transaction().set("e", bytes("y")).commit();
            for (String k : List.of("a", "b", "c", "d", "e")) {
                assertThat(store().getEntry(k).orElseThrow().expiresAt()).as(k).isEmpty();
                assertThat(store().ttl(k)).as(k).isEmpty();
            }
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: a key rewritten without a TTL outlives its earlier short TTL")
        void rewrittenKeySurvives() {
            store().setString("k", "1", SHORT_TTL);
            store().setString("k", "2");
            expireNow(store(), "sentinel", "x");
            Await.sleep(SHORT_TTL.toMillis());
            assertThat(store().getString("k")).hasValue("2");
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: a write with a TTL replaces no expiry with one")
        void writeWithTtlSetsExpiry() {
            store().setString("k", "x");
            store().setString("k", "y", LONG_TTL);
            assertThat(store().getEntry("k").orElseThrow().expiresAt()).isPresent();
            assertThat(store().ttl("k")).isPresent();
        }

        @Test
        @DisplayName("KeyValueStore#increment: the key's expiry is kept")
        void incrementKeepsExpiry() {
            store().setString("n", "5", LONG_TTL);
            Instant before = store().getEntry("n").orElseThrow().expiresAt().orElseThrow();
            assertThat(store().increment("n", 1)).isEqualTo(6);
            Instant after = store().getEntry("n").orElseThrow().expiresAt().orElseThrow();
            assertThat(after.toEpochMilli()).isCloseTo(before.toEpochMilli(), within(2_000L));
        }

        @Test
        @DisplayName("KeyValueStore#increment: a counter with a short TTL still expires after increments")
        void incrementedCounterExpires() {
            store().increment("window", 1);
            assertThat(store().expire("window", SHORT_TTL)).isTrue();
            store().increment("window", 1);
            // One read per poll: the key may expire between two reads.
            Await.until("the counter to expire", () -> store().getEntry("window").map(e -> e.expiresAt().isEmpty()).orElse(true));
            // If the increment came after expiry, it re-created the key without a TTL: both are allowed
            // outcomes; a kept expiry must lead to absence.
            store().getEntry("window").ifPresent(e -> assertThat(e.valueAsString()).isEqualTo("1"));
        }

        @Test
        @DisplayName("KeyValueStore#expire: sets an expiry on a present key, keeping value and version; false for an absent key")
        void expireSetsExpiry() {
            long v = store().setString("k", "x");
            assertThat(store().expire("k", LONG_TTL)).isTrue();
            Entry e = store().getEntry("k").orElseThrow();
            assertThat(e.expiresAt()).isPresent();
            assertThat(e.version()).isEqualTo(v);
            assertThat(e.valueAsString()).isEqualTo("x");
            assertThat(store().expire("absent", LONG_TTL)).isFalse();
            assertThat(store().exists("absent")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#expire: a key given a short expiry becomes absent")
        void expireMakesKeyDisappear() {
            store().setString("k", "x");
            assertThat(store().expire("k", SHORT_TTL)).isTrue();
            Await.until("'k' to expire", () -> store().getEntry("k").isEmpty());
            assertThat(store().keys("*")).isEmpty();
        }

        @Test
        @DisplayName("KeyValueStore#persist: removes an expiry keeping value and version; true for a present key, false for absent")
        void persistRemovesExpiry() {
            long v = store().setString("k", "x", LONG_TTL);
            assertThat(store().persist("k")).isTrue();
            Entry e = store().getEntry("k").orElseThrow();
            assertThat(e.expiresAt()).isEmpty();
            assertThat(e.version()).isEqualTo(v);
            assertThat(store().ttl("k")).isEmpty();
            assertThat(store().persist("k")).isTrue();
            assertThat(store().persist("absent")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#setAll(ttl): every value of the batch expires")
        void setAllWithTtl() {
            store().setAll(Map.of("a", bytes("1"), "b", bytes("2")), SHORT_TTL);
            Await.until("the batch to expire", () -> store().count("*") == 0);
            assertThat(store().getAll(List.of("a", "b"))).isEmpty();
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: background reclaiming never removes a key whose expiry was removed or that was re-created, and reports no EXPIRE for it")
        void reclaimSparesRewrittenKeys() {
            KeyValueStore s = openEngine(fastSweep()).store(PLUGIN);
            EventRecorder events = new EventRecorder();
            try (Subscription sub = s.watch("*", events)) {
                s.setString("rewritten", "1", SHORT_TTL);
                long rewritten = s.setString("rewritten", "2");
                s.setString("persisted", "1", SHORT_TTL);
                boolean persisted = s.persist("persisted");
                expireNow(s, "recreated", "1");
                long recreated = s.setString("recreated", "2");
                s.setString("shortened", "1", LONG_TTL);
                assertThat(s.expire("shortened", SHORT_TTL)).isTrue();
                // Reclaiming is in the background: once a key set after all the others has been reclaimed and
                // reported, the sweeper has passed every earlier expiry.
                s.setString("sentinel", "x", SHORT_TTL);
                events.await("EXPIRE of the sentinel", e -> e.type() == ChangeType.EXPIRE && e.key().filter("sentinel"::equals).isPresent());
                events.await("EXPIRE of the key given a short expiry with expire()",
                        e -> e.type() == ChangeType.EXPIRE && e.key().filter("shortened"::equals).isPresent());
                assertThat(s.getString("rewritten")).hasValue("2");
                assertThat(s.getString("recreated")).hasValue("2");
                assertThat(s.exists("shortened")).isFalse();
                // Per-key order: nothing may follow the last SET of a key that no longer expires.
                assertThat(eventsAfterSet(events, "rewritten", rewritten)).isEmpty();
                assertThat(eventsAfterSet(events, "recreated", recreated)).isEmpty();
                if (persisted) {
                    assertThat(s.getString("persisted")).hasValue("1");
                    assertThat(events.eventsFor("persisted")).noneMatch(e -> e.type() == ChangeType.EXPIRE);
                }
            }
        }

        private List<ChangeEvent> eventsAfterSet(EventRecorder events, String key, long version) {
            List<ChangeEvent> forKey = events.eventsFor(key);
            int at = -1;
            for (int i = 0; i < forKey.size(); i++) {
                if (forKey.get(i).version().orElse(0) == version) {
                    at = i;
                }
            }
            assertThat(at).as("SET of %s v%d delivered", key, version).isNotNegative();
            return forKey.subList(at + 1, forKey.size());
        }

        @Test
        @DisplayName("KeyValueStore#setAll(ttl): every value of the batch carries the expiry")
        void setAllWithLongTtl() {
            store().setAll(Map.of("a", bytes("1"), "b", bytes("2")), LONG_TTL);
            assertThat(store().getEntry("a").orElseThrow().expiresAt()).isPresent();
            assertThat(store().getEntry("b").orElseThrow().expiresAt()).isPresent();
        }
    }

    // =============================================================================== Patterns & listing

    @Nested
    @DisplayName("Patterns & listing")
    class PatternsAndListing {

        private List<String> matching(String pattern, String... keys) {
            seed(store(), keys);
            return store().keys(pattern);
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: * matches any run, also none, also separators : and /")
        void star() {
            assertThat(matching("user*", "user", "user:1", "user/2/x", "users", "use", "xuser"))
                    .containsExactly("user", "user/2/x", "user:1", "users");
            assertThat(store().keys("*")).hasSize(6);
            assertThat(store().keys("u*1")).containsExactly("user:1");
            assertThat(store().keys("*:*")).containsExactly("user:1");
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: anchored at both ends: a pattern without wildcards matches exactly one key")
        void anchored() {
            assertThat(matching("user:1", "user:1", "user:10", "xuser:1", "user:1x")).containsExactly("user:1");
            assertThat(store().keys("user")).isEmpty();
            assertThat(store().keys("*:1")).containsExactly("user:1", "xuser:1");
            assertThat(store().keys("user:1*")).containsExactly("user:1", "user:10", "user:1x");
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: ? matches exactly one character, a supplementary character included")
        void questionMark() {
            assertThat(matching("a?", "a", "ab", "abc", "a:", "a\u00E9", "a\uD83D\uDE00", "a\u20AC"))
                    .containsExactly("a:", "ab", "a\u00E9", "a\u20AC", "a\uD83D\uDE00");
            assertThat(store().keys("a??")).containsExactly("abc");
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: [abc] one of a set, [a-z] one of a range")
        void sets() {
            assertThat(matching("k[ab]", "ka", "kb", "kc", "kab", "k")).containsExactly("ka", "kb");
            store().setString("k5", "x");
            store().setString("kz", "x");
            assertThat(store().keys("k[a-c]")).containsExactly("ka", "kb", "kc");
            assertThat(store().keys("k[0-9x-z]")).containsExactly("k5", "kz");
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: [!a] and [^a] match one character not in the set")
        void negatedSets() {
            assertThat(matching("k[!a]", "ka", "kb", "kc", "k", "kbb")).containsExactly("kb", "kc");
            assertThat(store().keys("k[^ab]")).containsExactly("kc");
        }

        @Test
        @DisplayName("GlobPattern: a ] right after [ or [! is literal")
        void bracketFirstInSet() {
            assertThat(matching("k[]a]", "k]", "ka", "kb")).containsExactly("k]", "ka");
            assertThat(store().keys("k[!]]")).containsExactly("ka", "kb");
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: \\ makes the next character literal: \\* \\? \\[ \\\\")
        void escapes() {
            assertThat(matching("a\\*", "a*", "ab", "a")).containsExactly("a*");
            seed(store(), "a?", "a[b]", "a\\b", "[", "a]");
            assertThat(store().keys("a\\?")).containsExactly("a?");
            assertThat(store().keys("a\\[b]")).containsExactly("a[b]");
            assertThat(store().keys("a\\\\b")).containsExactly("a\\b");
            assertThat(store().keys("\\[")).containsExactly("[");
            assertThat(store().keys("a[\\]]")).containsExactly("a]");
            assertThat(store().keys("\\a\\b")).containsExactly("ab");
        }

        @Test
        @DisplayName("GlobPattern: sets, ranges and negations work on whole characters, supplementary ones included")
        void setsOfUnicodeCharacters() {
            seed(store(), "xa", "xb", "x\u00E9", "x\uD83D\uDE00", "x\uD83D\uDE01", "x\u20AC", "xZ");
            assertThat(store().keys("x[\uD83D\uDE00a]")).containsExactly("xa", "x\uD83D\uDE00");
            assertThat(store().keys("x[\u00E0-\u00FF]")).containsExactly("x\u00E9");
            assertThat(store().keys("x[\uD83D\uDE00-\uD83D\uDE4F]")).containsExactly("x\uD83D\uDE00", "x\uD83D\uDE01");
            assertThat(store().keys("x[!a-z]")).containsExactly("xZ", "x\u00E9", "x\u20AC", "x\uD83D\uDE00", "x\uD83D\uDE01");
            assertThat(store().keys("x[A-Z]")).containsExactly("xZ");
            assertThat(store().count("x?")).isEqualTo(7);
            assertThat(store().keys("*\uD83D\uDE01")).containsExactly("x\uD83D\uDE01");
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: a literal prefix selects exactly its keys, next to U+FFFF, supplementary characters and U+10FFFF")
        void literalPrefixBounds() {
            seed(store(), "p", "p\uFFFF", "p\uFFFFx", "p\uE000", "p\uD83D\uDE00", "p\uDBFF\uDFFF", "p\uDBFF\uDFFFz", "pz", "q", "o");
            assertThat(store().keys("p\uFFFF*")).containsExactly("p\uFFFF", "p\uFFFFx");
            assertThat(store().keys("p\uE000*")).containsExactly("p\uE000");
            assertThat(store().keys("p\uD83D\uDE00*")).containsExactly("p\uD83D\uDE00");
            assertThat(store().keys("p\uDBFF\uDFFF*")).containsExactly("p\uDBFF\uDFFF", "p\uDBFF\uDFFFz");
            assertThat(store().keys("p*")).containsExactly("p", "pz", "p\uE000", "p\uFFFF", "p\uFFFFx", "p\uD83D\uDE00",
                    "p\uDBFF\uDFFF", "p\uDBFF\uDFFFz");
            assertThat(store().count("p?*")).isEqualTo(7);
            assertThat(store().keysAfter("p*", "p\uFFFFx", 10).keys()).containsExactly("p\uD83D\uDE00", "p\uDBFF\uDFFF",
                    "p\uDBFF\uDFFFz");
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: backends' own metacharacters % _ . ( ) + | $ ^ { } are literal")
        void backendMetacharactersLiteral() {
            seed(store(), "a%c", "abc", "a_c", "a.c", "aXc", "(a)", "a+", "aa", "a|b", "a$", "^a", "{a}", "a{1}");
            assertThat(store().keys("a%c")).containsExactly("a%c");
            assertThat(store().keys("a_c")).containsExactly("a_c");
            assertThat(store().keys("a.c")).containsExactly("a.c");
            assertThat(store().keys("%")).isEmpty();
            assertThat(store().keys("___")).isEmpty();
            assertThat(store().keys("(a)")).containsExactly("(a)");
            assertThat(store().keys("a+")).containsExactly("a+");
            assertThat(store().keys("a|b")).containsExactly("a|b");
            assertThat(store().keys("a$")).containsExactly("a$");
            assertThat(store().keys("^a")).containsExactly("^a");
            assertThat(store().keys("{a}")).containsExactly("{a}");
            assertThat(store().keys("a{1}")).containsExactly("a{1}");
            assertThat(store().keys(".*")).isEmpty();
            assertThat(store().count("a%c")).isEqualTo(1);
            assertThat(store().deleteMatching("a_c")).isEqualTo(1);
            assertThat(store().exists("abc")).isTrue();
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: matching is case-sensitive")
        void caseSensitive() {
            assertThat(matching("A*", "Apple", "apple", "APPLE")).containsExactly("APPLE", "Apple");
            assertThat(store().keys("apple")).containsExactly("apple");
        }

        @Test
        @DisplayName("KeyValueStore#Keys: keys made of glob and separator characters are stored and listed by an escaped pattern")
        void globCharactersInKeys() {
            String key = "a*b?[c]\\d:e/f {g} %h_ \uD83D\uDE00";
            store().setString(key, "x");
            store().setString("a-other", "x");
            assertThat(store().getString(key)).hasValue("x");
            assertThat(store().keys("a\\*b\\?\\[c]\\\\d:e/f {g} %h_ \uD83D\uDE00")).containsExactly(key);
            assertThat(store().keys("a\\*b*")).containsExactly(key);
            assertThat(store().count("a\\**")).isEqualTo(1);
        }

        static Stream<String> malformedPatterns() {
            return Stream.of("[abc", "abc\\", "[z-a]", "", "k[", "[!", "a[\\");
        }

        @ParameterizedTest(name = "pattern \"{0}\"")
        @MethodSource("malformedPatterns")
        @DisplayName("KeyValueStore#Patterns: a malformed pattern throws InvalidPatternException from every method before anything runs")
        void malformedPatternRejected(String pattern) {
            seed(store(), "abc", "k[", "[abc");
            int subscriptions = engine().activeSubscriptions();
            List<Executable> calls = List.of(() -> store().keys(pattern), () -> store().keys(pattern, 10),
                    () -> store().keysAfter(pattern, "a", 10), () -> store().count(pattern),
                    () -> store().deleteMatching(pattern), () -> store().watch(pattern, e -> { }));
            for (Executable call : calls) {
                assertThatThrownBy(call::execute).isInstanceOf(InvalidPatternException.class);
            }
            assertThat(store().keys("*")).containsExactly("[abc", "abc", "k[");
            assertThat(engine().activeSubscriptions()).isEqualTo(subscriptions);
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: keys are listed in UTF-8 byte order (code point order), not UTF-16 order")
        void utf8Order() {
            List<String> expected = List.of("Z", "a", "ab", "b", "\u00E9", "\u4E2D", "\uE000", "\uFFFD",
                    "\uD83D\uDE00", "\uD83D\uDE00a", "\uDBFF\uDFFF");
            List<String> shuffled = new ArrayList<>(expected);
            java.util.Collections.shuffle(shuffled, new Random(7));
            seed(store(), shuffled.toArray(String[]::new));
            assertThat(store().keys("*")).containsExactlyElementsOf(expected);
            List<String> paged = new ArrayList<>();
            KeyPage page = store().keys("*", 3);
            paged.addAll(page.keys());
            int guard = 0;
            while (page.hasMore() && guard++ < 100) {
                page = store().keysAfter("*", page.nextCursor(), 3);
                paged.addAll(page.keys());
            }
            assertThat(paged).containsExactlyElementsOf(expected);
            assertThat(store().keysAfter("*", "\uFFFD", 10).keys()).containsExactly("\uD83D\uDE00", "\uD83D\uDE00a", "\uDBFF\uDFFF");
            assertThat(store().keysAfter("*", "\uD83D\uDE00", 10).keys()).containsExactly("\uD83D\uDE00a", "\uDBFF\uDFFF");
        }

        private List<String> pageThrough(KeyValueStore s, String pattern, int limit) {
            List<String> all = new ArrayList<>();
            KeyPage page = s.keys(pattern, limit);
            all.addAll(page.keys());
            int guard = 0;
            while (page.hasMore()) {
                assertThat(page.keys()).as("a page with a cursor holds keys").isNotEmpty();
                assertThat(page.keys()).hasSizeLessThanOrEqualTo(limit);
                assertThat(page.nextCursor()).isEqualTo(page.keys().get(page.keys().size() - 1));
                assertThat(guard++).as("pages").isLessThan(10_000);
                page = s.keysAfter(pattern, page.nextCursor(), limit);
                assertThat(page.keys()).hasSizeLessThanOrEqualTo(limit);
                all.addAll(page.keys());
            }
            return all;
        }

        @ParameterizedTest(name = "limit {0}")
        @ValueSource(ints = {1, 7, 25, 1000})
        @DisplayName("KeyValueStore#keys(limit)/keysAfter: paging to the end lists every matching key once, in order")
        void pagingComplete(int limit) {
            List<String> keys = IntStream.range(0, 25).mapToObj(i -> String.format("item:%02d", i)).toList();
            seed(store(), keys.toArray(String[]::new));
            seed(store(), "a", "item", "itemz", "j");
            List<String> paged = pageThrough(store(), "item:*", limit);
            assertThat(paged).containsExactlyElementsOf(keys);
            assertThat(pageThrough(store(), "*", limit)).containsExactlyElementsOf(store().keys("*")).hasSize(29);
        }

        @Test
        @DisplayName("KeyValueStore#keys(limit): a page has at most limit keys, and the last page has no cursor")
        void pageShape() {
            seed(store(), "a", "b", "c");
            KeyPage first = store().keys("*", 2);
            assertThat(first.keys()).containsExactly("a", "b");
            assertThat(first.nextCursor()).isEqualTo("b");
            KeyPage rest = store().keysAfter("*", "b", 2);
            assertThat(rest.keys()).containsExactly("c");
            assertThat(rest.hasMore()).isFalse();
            KeyPage all = store().keys("*", 3);
            assertThat(all.keys()).containsExactly("a", "b", "c");
            if (all.hasMore()) {
                assertThat(store().keysAfter("*", all.nextCursor(), 3).keys()).isEmpty();
            }
            assertThat(store().keys("*", 4).hasMore()).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#keysAfter: only keys strictly greater than afterKey, which need not exist")
        void keysAfterStrict() {
            seed(store(), "a", "b", "c", "d");
            assertThat(store().keysAfter("*", "b", 10).keys()).containsExactly("c", "d");
            assertThat(store().keysAfter("*", "bb", 10).keys()).containsExactly("c", "d");
            assertThat(store().keysAfter("*", "d", 10).keys()).isEmpty();
            assertThat(store().keysAfter("[ad]", "a", 10).keys()).containsExactly("d");
        }

        @Test
        @DisplayName("KeyValueStore#keys(limit): limit below 1 throws InvalidArgumentException")
        void limitBelowOne() {
            assertThatThrownBy(() -> store().keys("*", 0)).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> store().keys("*", -1)).isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> store().keysAfter("*", "a", 0)).isInstanceOf(InvalidArgumentException.class);
        }

        @Test
        @DisplayName("KeyValueStore#keysAfter: no key present throughout is skipped or repeated while keys are written and deleted between pages")
        void pagingUnderChange() {
            List<String> stable = IntStream.range(0, 40).mapToObj(i -> String.format("k%03d", i * 10)).toList();
            seed(store(), stable.toArray(String[]::new));
            seed(store(), "k005", "k155", "k305");
            List<String> seen = new ArrayList<>();
            KeyPage page = store().keys("k*", 6);
            seen.addAll(page.keys());
            int round = 0;
            while (page.hasMore()) {
                // Churn on both sides of the cursor: keys already passed and keys still ahead.
                store().setString(String.format("k%03d", round * 10 + 1), "new");
                store().setString(String.format("k%03d", 399 - round), "new");
                store().delete("k005");
                store().delete("k305");
                round++;
                page = store().keysAfter("k*", page.nextCursor(), 6);
                seen.addAll(page.keys());
            }
            assertThat(seen).doesNotHaveDuplicates();
            assertThat(seen).containsAll(stable);
            assertThat(seen).isSortedAccordingTo(KeyRules.UTF8_ORDER);
        }

        @Test
        @DisplayName("KeyValueStore#keys: listing spans more keys than a backend page (1,500)")
        void manyKeys() {
            Map<String, byte[]> batch = new TreeMap<>();
            for (int i = 0; i < 1500; i++) {
                batch.put(String.format("n:%05d", i), bytes("v"));
            }
            store().setAll(batch);
            store().setString("other", "x");
            assertThat(store().keys("n:*")).containsExactlyElementsOf(batch.keySet());
            assertThat(store().count("n:*")).isEqualTo(1500);
            assertThat(store().count("*")).isEqualTo(1501);
            assertThat(pageThrough(store(), "n:*", 200)).containsExactlyElementsOf(batch.keySet());
        }

        @Test
        @DisplayName("KeyValueStore#count: how many live keys match")
        void count() {
            seed(store(), "a:1", "a:2", "b:1");
            assertThat(store().count("*")).isEqualTo(3);
            assertThat(store().count("a:*")).isEqualTo(2);
            assertThat(store().count("?:1")).isEqualTo(2);
            assertThat(store().count("c*")).isZero();
        }

        @Test
        @DisplayName("KeyValueStore#deleteMatching: deletes every matching live key and only those, returning how many")
        void deleteMatching() {
            seed(store(), "a:1", "a:2", "a", "b:1", "ab:1");
            assertThat(store().deleteMatching("a:*")).isEqualTo(2);
            assertThat(store().keys("*")).containsExactly("a", "ab:1", "b:1");
            assertThat(store().deleteMatching("zzz*")).isZero();
            assertThat(store().deleteMatching("*")).isEqualTo(3);
            assertThat(store().keys("*")).isEmpty();
        }
    }

    // ================================================================================ Keys validation

    @Nested
    @DisplayName("Keys validation")
    class KeysValidation {

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
                        () -> store().get(key), () -> store().getString(key), () -> store().getObject(key, Note.class),
                        () -> store().getObject(key, new TypeRef<List<Note>>() { }), () -> store().getEntry(key),
                        () -> store().exists(key), () -> store().getAll(List.of("kept", key)),
                        () -> store().set(key, bytes("x")), () -> store().set(key, bytes("x"), LONG_TTL),
                        () -> store().setString(key, "x"), () -> store().setString(key, "x", LONG_TTL),
                        () -> store().setObject(key, List.of(1)), () -> store().setObject(key, List.of(1), LONG_TTL),
                        () -> store().setIfAbsent(key, bytes("x")), () -> store().setIfAbsent(key, bytes("x"), LONG_TTL),
                        () -> store().compareAndSet(key, KeyValueStore.ABSENT, bytes("x")),
                        () -> store().compareAndSet(key, KeyValueStore.ABSENT, bytes("x"), LONG_TTL),
                        () -> store().increment(key, 1), () -> store().delete(key),
                        () -> store().setAll(batchWith(key)), () -> store().setAll(batchWith(key), LONG_TTL),
                        () -> store().deleteAll(List.of("kept", key)), () -> store().ttl(key),
                        () -> store().expire(key, LONG_TTL), () -> store().persist(key),
                        () -> store().transaction().set(key, bytes("x")),
                        () -> store().transaction().setString(key, "x"),
                        () -> store().transaction().setObject(key, List.of(1)),
                        () -> store().transaction().delete(key),
                        () -> store().transaction().requireVersion(key, 1),
                        () -> store().transaction().requireAbsent(key),
                        () -> store().lock(key, Duration.ZERO), () -> store().tryLock(key));
                for (int i = 0; i < calls.size(); i++) {
                    assertThatThrownBy(calls.get(i)::execute).as("call #%d", i)
                            .isInstanceOfSatisfying(InvalidKeyException.class, e -> assertThat(e.key()).isEqualTo(key));
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
            List<String> keys = List.of("k", "k".repeat(512), "\uD83D\uDE00".repeat(128), "\u20AC".repeat(170) + "ab",
                    "\u00E9".repeat(256));
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
            List<String> keys = List.of(" ", "a b", "'quoted'", "\"dq\"", "semi;colon", "--", "/*c*/", "\u00A0nbsp",
                    "\u200B", "tab-free\u2028", "\uFEFF", "\uFFFF");
            for (String k : keys) {
                store().setString(k, k);
            }
            for (String k : keys) {
                assertThat(store().getString(k)).as(k).hasValue(k);
            }
            assertThat(store().count("*")).isEqualTo(keys.size());
        }
    }

    // ========================================================================== Scoping & isolation

    @Nested
    @DisplayName("Scoping & isolation")
    class ScopingAndIsolation {
        /** Neighbours of "a" that a naive prefix or separator scheme confuses with it. */
        private final List<String> neighbours = List.of("ab", "a-b", "a.b", "a_b", "b");

        private KeyValueStore a() {
            return store("a");
        }

        private List<KeyValueStore> others() {
            List<KeyValueStore> all = new ArrayList<>();
            for (String n : neighbours) {
                all.add(store(n));
            }
            all.add(a().scope("b"));
            return all;
        }

        @Test
        @DisplayName("KeyValueStore#namespace: the plugin id, then /bucket per nested scope")
        void namespaces() {
            assertThat(a().namespace()).isEqualTo("a");
            assertThat(a().scope("b").namespace()).isEqualTo("a/b");
            assertThat(a().scope("b").scope("c").namespace()).isEqualTo("a/b/c");
        }

        @Test
        @DisplayName("KeyValueStore#Scope: the same key in neighbouring scopes holds separate values")
        void separateValues() {
            a().setString("k", "in a");
            for (KeyValueStore o : others()) {
                assertThat(o.get("k")).as(o.namespace()).isEmpty();
                assertThat(o.exists("k")).as(o.namespace()).isFalse();
                o.setString("k", "in " + o.namespace());
            }
            assertThat(a().getString("k")).hasValue("in a");
            for (KeyValueStore o : others()) {
                assertThat(o.getString("k")).as(o.namespace()).hasValue("in " + o.namespace());
                assertThat(o.getAll(List.of("k")).keySet()).containsExactly("k");
            }
        }

        @Test
        @DisplayName("Namespace: no key can forge another scope's key, whatever separator a backend might concatenate with")
        void keysCannotForgeNamespaces() {
            Map<KeyValueStore, Set<String>> expected = new LinkedHashMap<>();
            KeyValueStore a = a();
            expected.put(a, new HashSet<>());
            int n = 0;
            for (KeyValueStore neighbour : others()) {
                expected.put(neighbour, new HashSet<>());
                String rest = neighbour.namespace().substring(1);
                for (String sep : List.of("", "/", ":", "|", "#", "\\", "}", "}:", " ", "\u00FF")) {
                    String real = "k" + n++;
                    // Under "namespace + sep + key", key K in "a" collides with key `real` in the neighbour when
                    // sep + K == rest + sep + real.
                    String joined = rest + sep + real;
                    if (!joined.startsWith(sep)) {
                        continue;
                    }
                    String forged = joined.substring(sep.length());
                    a.setString(forged, "forged");
                    neighbour.setString(real, "real");
                    expected.get(a).add(forged);
                    expected.get(neighbour).add(real);
                }
            }
            for (Map.Entry<KeyValueStore, Set<String>> e : expected.entrySet()) {
                KeyValueStore s = e.getKey();
                assertThat(s.keys("*")).as(s.namespace()).containsExactlyInAnyOrderElementsOf(e.getValue());
                for (String k : e.getValue()) {
                    assertThat(s.getString(k)).as(s.namespace() + " " + k).hasValue(s == a ? "forged" : "real");
                }
            }
        }

        @Test
        @DisplayName("KeyValueStore#Scope: keys, count, getAll and paging see only the store's own keys")
        void listingIsScoped() {
            seed(a(), "x", "b:1", "-b:1", ".b/1");
            for (KeyValueStore o : others()) {
                seed(o, "y", "1", "b:2");
            }
            assertThat(a().keys("*")).containsExactly("-b:1", ".b/1", "b:1", "x");
            assertThat(a().count("*")).isEqualTo(4);
            assertThat(a().keys("*", 100).keys()).containsExactly("-b:1", ".b/1", "b:1", "x");
            assertThat(a().keysAfter("*", "b:1", 100).keys()).containsExactly("x");
            assertThat(a().getAll(List.of("y", "1", "x")).keySet()).containsExactly("x");
            for (KeyValueStore o : others()) {
                assertThat(o.keys("*")).as(o.namespace()).containsExactly("1", "b:2", "y");
            }
        }

        @Test
        @DisplayName("KeyValueStore#Scope: delete, deleteAll, deleteMatching, increment, expire in one scope leave neighbours alone")
        void writesAreScoped() {
            for (KeyValueStore o : others()) {
                seed(o, "k", "k2");
                o.increment("n", 10);
            }
            seed(a(), "k", "k2");
            a().delete("k");
            a().deleteAll(List.of("k2"));
            a().increment("n", 1);
            a().setString("e", "x");
            a().expire("e", LONG_TTL);
            assertThat(a().deleteMatching("*")).isEqualTo(2);
            for (KeyValueStore o : others()) {
                assertThat(o.keys("*")).as(o.namespace()).containsExactly("k", "k2", "n");
                assertThat(o.getString("n")).as(o.namespace()).hasValue("10");
                assertThat(o.getEntry("k").orElseThrow().expiresAt()).isEmpty();
            }
        }

        @Test
        @DisplayName("KeyValueStore#Scope: clear empties only this scope, not neighbours, parent or buckets")
        void clearIsScoped() {
            seed(a(), "k");
            for (KeyValueStore o : others()) {
                seed(o, "k");
            }
            a().clear();
            assertThat(a().keys("*")).isEmpty();
            for (KeyValueStore o : others()) {
                assertThat(o.keys("*")).as(o.namespace()).containsExactly("k");
            }
        }

        @Test
        @DisplayName("KeyValueStore#Scope: a transaction reads preconditions and writes only in its own scope")
        void transactionsAreScoped() {
            a().setString("k", "a");
            KeyValueStore ab = store("a-b");
            Map<String, Long> versions = ab.transaction().requireAbsent("k").setString("k", "ab").setString("t", "ab").commit();
            assertThat(versions).containsOnlyKeys("k", "t");
            assertThat(a().getString("k")).hasValue("a");
            assertThat(a().exists("t")).isFalse();
            a().transaction().delete("k").delete("t").commit();
            assertThat(ab.keys("*")).containsExactly("k", "t");
        }

        @Test
        @DisplayName("KeyValueStore#Scope: a watcher sees no change from neighbouring scopes")
        void watchIsScoped() {
            EventRecorder events = new EventRecorder();
            try (Subscription sub = a().watch("*", events)) {
                for (KeyValueStore o : others()) {
                    o.setString("k", "x");
                    o.delete("k");
                    o.setString("k2", "x");
                    o.clear();
                }
                flush(a(), events, "marker");
                assertThat(events.events()).allSatisfy(e -> assertThat(e.namespace()).isEqualTo("a"))
                        .extracting(ChangeEvent::key).containsExactly(Optional.of("marker"));
            }
        }

        @Test
        @DisplayName("KeyValueStore#lock: a lock in one scope does not hold the same name in neighbouring scopes")
        void locksAreScoped() {
            try (LockHandle held = a().lock("L", Duration.ZERO)) {
                for (KeyValueStore o : others()) {
                    Optional<LockHandle> other = o.tryLock("L");
                    assertThat(other).as(o.namespace()).isPresent();
                    other.get().close();
                }
                assertThat(held.isHeld()).isTrue();
            }
        }

        @Test
        @DisplayName("KeyValueStore#Scope: random keys and patterns thrown at neighbouring scopes never leak between them (seeded)")
        void randomisedIsolation() {
            long seed = 20261122L;
            Random random = new Random(seed);
            List<KeyValueStore> scopes = List.of(store("p"), store("p-q"), store("p").scope("q"), store("pq"));
            List<TreeMap<String, String>> models = new ArrayList<>();
            for (int i = 0; i < scopes.size(); i++) {
                models.add(new TreeMap<>(KeyRules.UTF8_ORDER));
            }
            for (int op = 0; op < 400; op++) {
                int s = random.nextInt(scopes.size());
                KeyValueStore store = scopes.get(s);
                TreeMap<String, String> model = models.get(s);
                int kind = random.nextInt(10);
                if (random.nextInt(60) == 0) {
                    store.clear();
                    model.clear();
                } else if (random.nextInt(8) == 0 && !model.isEmpty()) {
                    List<String> asked = new ArrayList<>(model.keySet());
                    java.util.Collections.shuffle(asked, random);
                    asked = asked.subList(0, Math.min(asked.size(), 1 + random.nextInt(5)));
                    List<String> withMissing = new ArrayList<>(asked);
                    withMissing.add(randomKey(random));
                    Map<String, byte[]> got = store.getAll(withMissing);
                    List<String> expected = withMissing.stream().filter(model::containsKey).distinct().toList();
                    assertThat(got.keySet()).as("seed %d getAll", seed).containsExactlyElementsOf(expected);
                    for (String k : expected) {
                        assertThat(text(got.get(k))).isEqualTo(model.get(k));
                    }
                } else if (kind < 6) {
                    String key = randomKey(random);
                    String value = "v" + op;
                    store.setString(key, value);
                    model.put(key, value);
                } else if (kind < 7 && !model.isEmpty()) {
                    String key = new ArrayList<>(model.keySet()).get(random.nextInt(model.size()));
                    assertThat(store.delete(key)).isTrue();
                    model.remove(key);
                } else {
                    String pattern = randomPattern(random);
                    GlobPattern glob;
                    try {
                        glob = GlobPattern.compile(pattern);
                    } catch (InvalidPatternException e) {
                        assertThatThrownBy(() -> store.keys(pattern)).as("seed %d pattern %s", seed, pattern)
                                .isInstanceOf(InvalidPatternException.class);
                        continue;
                    }
                    List<String> expected = model.keySet().stream().filter(glob::matches).toList();
                    if (kind == 9) {
                        assertThat(store.deleteMatching(pattern)).as("seed %d deleteMatching %s", seed, pattern)
                                .isEqualTo(expected.size());
                        expected.forEach(model::remove);
                    } else {
                        assertThat(store.keys(pattern)).as("seed %d keys %s in %s", seed, pattern, store.namespace())
                                .containsExactlyElementsOf(expected);
                        assertThat(store.count(pattern)).as("seed %d count %s", seed, pattern).isEqualTo(expected.size());
                    }
                }
            }
            for (int s = 0; s < scopes.size(); s++) {
                KeyValueStore store = scopes.get(s);
                assertThat(store.keys("*")).as("seed %d scope %s", seed, store.namespace())
                        .containsExactlyElementsOf(models.get(s).keySet());
                for (Map.Entry<String, String> e : models.get(s).entrySet()) {
                    assertThat(store.getString(e.getKey())).as("seed %d %s", seed, e.getKey()).hasValue(e.getValue());
                }
            }
        }

        private static final String[] KEY_PARTS = {"a", "b", "q", "p", ":", "/", "*", "?", "[", "]", "\\", "%", "_",
                ".", "-", " ", "{", "}", "\u00E9", "\u20AC", "\uFFFD", "\uE000", "\uD83D\uDE00", "p:q", "p/q", "p-q:"};

        private String randomKey(Random random) {
            StringBuilder b = new StringBuilder();
            if (random.nextInt(20) == 0) {
                // A long key near the byte limit.
                while (b.toString().getBytes(StandardCharsets.UTF_8).length < 500) {
                    b.append(KEY_PARTS[random.nextInt(KEY_PARTS.length)]);
                }
                return b.toString();
            }
            int parts = 1 + random.nextInt(6);
            for (int i = 0; i < parts; i++) {
                b.append(KEY_PARTS[random.nextInt(KEY_PARTS.length)]);
            }
            return b.toString();
        }

        private String randomPattern(Random random) {
            String[] pieces = {"*", "?", "a", "p", "q", ":", "/", "\\*", "\\?", "\\[", "\\\\", "[ab]", "[!a]", "[a-q]",
                    "%", "_", ".", "\u00E9", "\uD83D\uDE00", "[", "\\", "-"};
            StringBuilder b = new StringBuilder();
            int n = 1 + random.nextInt(5);
            for (int i = 0; i < n; i++) {
                b.append(pieces[random.nextInt(pieces.length)]);
            }
            return b.toString();
        }
    }

    // ====================================================================================== Buckets

    @Nested
    @DisplayName("Buckets")
    class Buckets {

        @Test
        @DisplayName("KeyValueStore#scope: a bucket is isolated from its parent and from a sibling bucket")
        void isolated() {
            KeyValueStore parent = store();
            KeyValueStore items = parent.scope("items");
            KeyValueStore other = parent.scope("other");
            parent.setString("k", "parent");
            items.setString("k", "items");
            other.setString("k", "other");
            items.setString("only-items", "x");
            assertThat(parent.getString("k")).hasValue("parent");
            assertThat(items.getString("k")).hasValue("items");
            assertThat(other.getString("k")).hasValue("other");
            assertThat(parent.keys("*")).containsExactly("k");
            assertThat(other.keys("*")).containsExactly("k");
            assertThat(items.keys("*")).containsExactly("k", "only-items");
            assertThat(parent.exists("only-items")).isFalse();
            assertThat(parent.keys("items*")).isEmpty();
            assertThat(parent.count("*")).isEqualTo(1);
        }

        @Test
        @DisplayName("KeyValueStore#scope: calling scope twice with the same name sees the same data")
        void sameNameSameData() {
            store().scope("items").setString("k", "v");
            assertThat(store().scope("items").getString("k")).hasValue("v");
            assertThat(engine().store(PLUGIN).scope("items").keys("*")).containsExactly("k");
            assertThat(store().scope("items").namespace()).isEqualTo(PLUGIN + "/items");
        }

        @Test
        @DisplayName("KeyValueStore#scope: a bucket named like another plugin is not that plugin's store")
        void bucketIsNotPlugin() {
            store().scope("items").setString("k", "bucket");
            store("items").setString("k", "plugin");
            assertThat(store().scope("items").getString("k")).hasValue("bucket");
            assertThat(store("items").getString("k")).hasValue("plugin");
        }

        @Test
        @DisplayName("KeyValueStore#scope: nested buckets are separate namespaces at every depth")
        void nestedBuckets() {
            KeyValueStore deep = store().scope("items").scope("deep");
            deep.setString("k", "deep");
            assertThat(deep.namespace()).isEqualTo(PLUGIN + "/items/deep");
            assertThat(store().scope("items").exists("k")).isFalse();
            assertThat(store().scope("deep").exists("k")).isFalse();
            store().scope("items").clear();
            assertThat(deep.getString("k")).hasValue("deep");
        }

        @Test
        @DisplayName("KeyValueStore#clear: clearing the parent leaves buckets, clearing a bucket leaves the parent")
        void clearAcrossLevels() {
            store().setString("p", "x");
            store().scope("items").setString("b", "x");
            store().clear();
            assertThat(store().scope("items").keys("*")).containsExactly("b");
            store().setString("p", "x");
            store().scope("items").clear();
            assertThat(store().keys("*")).containsExactly("p");
            assertThat(store().deleteMatching("*")).isEqualTo(1);
        }

        @ParameterizedTest(name = "bucket \"{0}\"")
        @ValueSource(strings = {"Items", "a/b", "", "a:b", "a b", "caf\u00E9", "*",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
        @DisplayName("KeyValueStore#scope: a name outside 1-64 chars of a-z 0-9 . - _ throws InvalidPluginIdException")
        void invalidBucketNames(String bucket) {
            assertThatThrownBy(() -> store().scope(bucket)).isInstanceOf(InvalidPluginIdException.class);
        }
    }

    // ======================================================================================== Clear

    @Nested
    @DisplayName("Clear")
    class Clear {

        @Test
        @DisplayName("KeyValueStore#clear: afterwards the scope holds no key; other scopes lost nothing")
        void clearEmpties() {
            seed(store(), "a", "b", "c");
            seed(store("plugin-b"), "a");
            store().clear();
            assertThat(store().keys("*")).isEmpty();
            assertThat(store().count("*")).isZero();
            assertThat(store().get("a")).isEmpty();
            assertThat(store("plugin-b").keys("*")).containsExactly("a");
            store().clear();
            assertThat(store().keys("*")).isEmpty();
        }

        @Test
        @DisplayName("KeyValueStore#clear: keys with TTLs and many keys (2,000) are all gone")
        void clearManyKeys() {
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < 2000; i++) {
                batch.put("k" + i, bytes("v"));
            }
            store().setAll(batch);
            store().setString("t", "x", LONG_TTL);
            store().clear();
            assertThat(store().count("*")).isZero();
            assertThat(store().exists("t")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#clear: every subscription of the scope gets one CLEAR event with no key, whatever its pattern, and no DELETE per key")
        void clearEvent() {
            seed(store(), "a", "b", "c");
            EventRecorder all = new EventRecorder();
            EventRecorder narrow = new EventRecorder();
            EventRecorder neighbour = new EventRecorder();
            try (Subscription s1 = store().watch("*", all); Subscription s2 = store().watch("nothing-matches*", narrow);
                    Subscription s3 = store("plugin-b").watch("*", neighbour)) {
                store().clear();
                all.await("CLEAR", e -> e.type() == ChangeType.CLEAR);
                narrow.await("CLEAR", e -> e.type() == ChangeType.CLEAR);
                flush(store(), all, "marker");
                flush(store("plugin-b"), neighbour, "marker");
                assertThat(all.events(ChangeType.CLEAR)).singleElement().satisfies(e -> {
                    assertThat(e.key()).isEmpty();
                    assertThat(e.namespace()).isEqualTo(PLUGIN);
                });
                assertThat(all.events(ChangeType.DELETE)).isEmpty();
                assertThat(narrow.events()).singleElement().satisfies(e -> assertThat(e.type()).isEqualTo(ChangeType.CLEAR));
                assertThat(neighbour.events(ChangeType.CLEAR)).isEmpty();
            }
        }

        @Test
        @DisplayName("KeyValueStore#clear: the CLEAR event reaches only the cleared scope's watchers, not a parent's or a bucket's")
        void clearEventOnlyForThatScope() {
            KeyValueStore parent = store();
            KeyValueStore bucket = parent.scope("items");
            seed(parent, "p");
            seed(bucket, "b");
            EventRecorder onParent = new EventRecorder();
            EventRecorder onBucket = new EventRecorder();
            try (Subscription s1 = parent.watch("*", onParent); Subscription s2 = bucket.watch("*", onBucket)) {
                parent.clear();
                onParent.await("CLEAR of the parent", e -> e.type() == ChangeType.CLEAR);
                flush(bucket, onBucket, "marker");
                assertThat(onBucket.events(ChangeType.CLEAR)).isEmpty();
                assertThat(bucket.keys("*")).containsExactly("b", "marker");
                bucket.clear();
                onBucket.await("CLEAR of the bucket", e -> e.type() == ChangeType.CLEAR);
                flush(parent, onParent, "marker");
                assertThat(onParent.events(ChangeType.CLEAR)).hasSize(1);
                assertThat(onBucket.events(ChangeType.CLEAR)).singleElement()
                        .satisfies(e -> assertThat(e.namespace()).isEqualTo(PLUGIN + "/items"));
            }
        }

        @Test
        @DisplayName("KeyValueStore#Threading: clear is atomic against concurrent atomic batches: each pair survives whole or not at all")
        void clearAgainstWriters() {
            KeyValueStore s = store();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                for (int i = 0; !stop.get() && i < 100_000; i++) {
                    s.setAll(Map.of("x" + i, bytes("1"), "y" + i, bytes("1")));
                    written.incrementAndGet();
                }
            });
            writer.start();
            Await.until("writes before clear", () -> written.get() > 20);
            store().clear();
            Await.until("writes after clear", () -> written.get() > 40 || !writer.isAlive());
            stop.set(true);
            try {
                writer.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(writer.isAlive()).as("writer finished").isFalse();
            Set<String> keys = new HashSet<>(store().keys("*"));
            for (String k : keys) {
                String pair = (k.startsWith("x") ? "y" : "x") + k.substring(1);
                assertThat(keys).as("partner of %s", k).contains(pair);
            }
        }
    }

    // ================================================================================= Transactions

    @Nested
    @DisplayName("Transactions")
    class Transactions {

        @Test
        @DisplayName("Transaction#commit: applies every operation and returns each written key's new version")
        void commitApplies() {
            store().setString("gone", "x");
            Map<String, Long> versions = store().transaction()
                    .set("a", bytes("1"))
                    .setString("b", "2")
                    .setObject("c", new Note("n", 1, List.of()))
                    .delete("gone")
                    .delete("never-there")
                    .commit();
            assertThat(versions).containsOnlyKeys("a", "b", "c");
            for (String k : List.of("a", "b", "c")) {
                assertThat(versions.get(k)).isPositive().isEqualTo(store().getEntry(k).orElseThrow().version());
            }
            assertThat(store().getString("a")).hasValue("1");
            assertThat(store().getString("b")).hasValue("2");
            assertThat(store().getObject("c", Note.class)).hasValue(new Note("n", 1, List.of()));
            assertThat(store().exists("gone")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#transaction: nothing happens until commit")
        void nothingBeforeCommit() {
            Transaction tx = store().transaction().setString("a", "1").delete("b");
            store().setString("b", "kept");
            assertThat(store().exists("a")).isFalse();
            assertThat(store().getString("b")).hasValue("kept");
            tx.commit();
            assertThat(store().exists("a")).isTrue();
            assertThat(store().exists("b")).isFalse();
        }

        @Test
        @DisplayName("Transaction: operations apply in order; a later write of the same key wins")
        void laterWriteWins() {
            Map<String, Long> versions = store().transaction()
                    .setString("k", "1").setString("k", "2")
                    .setString("d", "x").delete("d")
                    .delete("r").setString("r", "back")
                    .commit();
            assertThat(store().getString("k")).hasValue("2");
            assertThat(store().exists("d")).isFalse();
            assertThat(store().getString("r")).hasValue("back");
            assertThat(versions.get("k")).isEqualTo(store().getEntry("k").orElseThrow().version());
            assertThat(versions.get("r")).isEqualTo(store().getEntry("r").orElseThrow().version());
        }

        @Test
        @DisplayName("Transaction#commit: a failed requireVersion throws VersionConflictException naming the key; nothing is applied")
        void failedPreconditionAppliesNothing() {
            long v1 = store().setString("guard", "1");
            long v2 = store().setString("guard", "2");
            long setup = store().setString("del", "kept");
            EventRecorder events = new EventRecorder();
            try (Subscription sub = store().watch("*", events)) {
                assertThatThrownBy(() -> store().transaction()
                        .setString("a", "new")
                        .delete("del")
                        .requireVersion("guard", v1)
                        .setString("guard", "3")
                        .commit())
                        .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                            assertThat(e.key()).isEqualTo("guard");
                            assertThat(e.expectedVersion()).isEqualTo(v1);
                            assertThat(e.actualVersion()).isEqualTo(v2);
                            assertThat(e.getMessage()).contains("guard");
                        });
                flush(store(), events, "marker");
                assertThat(events.after(setup)).extracting(ChangeEvent::key).containsExactly(Optional.of("marker"));
            }
            assertThat(store().exists("a")).isFalse();
            assertThat(store().getString("del")).hasValue("kept");
            assertThat(store().getString("guard")).hasValue("2");
            assertThat(store().getEntry("guard").orElseThrow().version()).isEqualTo(v2);
        }

        @Test
        @DisplayName("Transaction#requireVersion: passes at the current version")
        void requireVersionPasses() {
            long v = store().setString("guard", "1");
            store().transaction().requireVersion("guard", v).setString("guard", "2").setString("other", "x").commit();
            assertThat(store().getString("guard")).hasValue("2");
            assertThat(store().exists("other")).isTrue();
        }

        @Test
        @DisplayName("Transaction#requireVersion: a version expected on an absent key fails with actual ABSENT")
        void requireVersionOnAbsent() {
            assertThatThrownBy(() -> store().transaction().requireVersion("none", 5).setString("x", "1").commit())
                    .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                        assertThat(e.key()).isEqualTo("none");
                        assertThat(e.actualVersion()).isEqualTo(KeyValueStore.ABSENT);
                    });
            assertThat(store().exists("x")).isFalse();
        }

        @Test
        @DisplayName("Transaction#requireAbsent: passes for an absent key, fails for a present one naming it")
        void requireAbsent() {
            store().transaction().requireAbsent("k").setString("k", "1").commit();
            long v = store().getEntry("k").orElseThrow().version();
            assertThatThrownBy(() -> store().transaction().requireAbsent("k").setString("k", "2").commit())
                    .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                        assertThat(e.key()).isEqualTo("k");
                        assertThat(e.expectedVersion()).isEqualTo(KeyValueStore.ABSENT);
                        assertThat(e.actualVersion()).isEqualTo(v);
                    });
            assertThatThrownBy(() -> store().transaction().requireVersion("k", KeyValueStore.ABSENT).setString("o", "x").commit())
                    .isInstanceOf(VersionConflictException.class);
            assertThat(store().getString("k")).hasValue("1");
            assertThat(store().exists("o")).isFalse();
        }

        @Test
        @DisplayName("Transaction#commit: with several failing preconditions the exception names the first")
        void firstFailingPreconditionNamed() {
            long v = store().setString("ok", "1");
            store().setString("second", "1");
            assertThatThrownBy(() -> store().transaction().requireVersion("ok", v).requireAbsent("second")
                    .requireVersion("third", 99).setString("w", "x").commit())
                    .isInstanceOfSatisfying(VersionConflictException.class, e -> assertThat(e.key()).isEqualTo("second"));
        }

        @Test
        @DisplayName("Transaction#commit: a transaction commits at most once; a second commit throws IllegalStateException")
        void commitOnce() {
            Transaction tx = store().transaction().setString("k", "1");
            tx.commit();
            store().setString("k", "changed");
            assertThatThrownBy(tx::commit).isInstanceOf(IllegalStateException.class);
            assertThat(store().getString("k")).hasValue("changed");
        }

        @Test
        @DisplayName("Transaction#commit: an empty transaction commits and returns no versions")
        void emptyTransaction() {
            assertThat(store().transaction().commit()).isEmpty();
            assertThat(store().transaction().requireAbsent("x").commit()).isEmpty();
        }

        @Test
        @DisplayName("Transaction#set: the value is copied when added; a TTL applies; a write without TTL removes one")
        void transactionValues() {
            byte[] value = bytes("orig");
            store().setString("p", "x", LONG_TTL);
            Transaction tx = store().transaction().set("k", value).set("t", bytes("x"), LONG_TTL).setString("p", "y");
            value[0] = 'X';
            tx.commit();
            assertThat(store().getString("k")).hasValue("orig");
            assertThat(store().getEntry("t").orElseThrow().expiresAt()).isPresent();
            assertThat(store().getEntry("p").orElseThrow().expiresAt()).isEmpty();
        }

        @Test
        @DisplayName("Transaction#setObject: an object that cannot be written as JSON throws SerializationException when added")
        void transactionUnwritable() {
            assertThatThrownBy(() -> store().transaction().setObject("k", new Unwritable("x")))
                    .isInstanceOf(SerializationException.class);
            assertThat(store().exists("k")).isFalse();
        }

        @Test
        @DisplayName("Transaction#commit: watchers get a SET per written key with the returned version and a DELETE per deleted key")
        void transactionEvents() {
            long setup = store().setString("d", "x");
            EventRecorder events = new EventRecorder();
            try (Subscription sub = store().watch("*", events)) {
                Map<String, Long> versions = store().transaction().setString("a", "1").setString("b", "2").delete("d").commit();
                events.await("DELETE d", e -> e.type() == ChangeType.DELETE);
                events.awaitSet("a");
                events.awaitSet("b");
                assertThat(events.eventsFor("a")).singleElement().satisfies(e -> assertThat(e.version()).hasValue(versions.get("a")));
                assertThat(events.eventsFor("b")).singleElement().satisfies(e -> assertThat(e.version()).hasValue(versions.get("b")));
                flush(store(), events, "marker");
                assertThat(events.after(setup)).filteredOn(e -> e.key().filter("d"::equals).isPresent()).singleElement()
                        .satisfies(e -> assertThat(e.type()).isEqualTo(ChangeType.DELETE));
            }
        }
    }

    // ======================================================================================== Watch

    @Nested
    @DisplayName("Watch")
    class Watch {

        @Test
        @DisplayName("KeyValueStore#watch: a SET event carries namespace, key and the version the write returned")
        void setEvent() {
            EventRecorder events = new EventRecorder();
            try (Subscription sub = store().watch("*", events)) {
                assertThat(sub.pattern()).isEqualTo("*");
                assertThat(sub.isActive()).isTrue();
                long v = store().setString("k", "x");
                events.awaitSet("k");
                assertThat(events.events()).singleElement().satisfies(e -> {
                    assertThat(e.type()).isEqualTo(ChangeType.SET);
                    assertThat(e.namespace()).isEqualTo(PLUGIN);
                    assertThat(e.key()).hasValue("k");
                    assertThat(e.version()).hasValue(v);
                    assertThat(e.droppedEvents()).isZero();
                });
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: events are delivered on a runtime thread, never the writer's")
        void offWriterThread() {
            EventRecorder events = new EventRecorder();
            try (Subscription sub = store().watch("*", events)) {
                for (int i = 0; i < 20; i++) {
                    store().setString("k" + i, "x");
                }
                events.awaitCount(20);
                assertThat(events.threads()).doesNotContain(Thread.currentThread());
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: every write kind is a SET: set, setString, setObject, setIfAbsent, CAS, increment, setAll, transaction")
        void everyWriteIsSet() {
            EventRecorder events = new EventRecorder();
            try (Subscription sub = store().watch("*", events)) {
                store().set("a", bytes("x"));
                store().setString("b", "x", LONG_TTL);
                store().setObject("c", List.of(1));
                store().setIfAbsent("d", bytes("x"));
                store().compareAndSet("e", KeyValueStore.ABSENT, bytes("x"));
                store().increment("f", 1);
                store().setAll(Map.of("g", bytes("x"), "h", bytes("x")));
                store().transaction().setString("i", "x").commit();
                for (String k : List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")) {
                    events.awaitSet(k);
                }
                assertThat(events.events()).hasSize(9).allSatisfy(e -> assertThat(e.type()).isEqualTo(ChangeType.SET));
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: delete, deleteAll and deleteMatching report one DELETE per deleted key")
        void deleteEvents() {
            seed(store(), "a", "b", "c", "m:1", "m:2");
            EventRecorder events = new EventRecorder();
            try (Subscription sub = store().watch("*", events)) {
                store().delete("a");
                store().deleteAll(List.of("b", "c", "absent"));
                store().deleteMatching("m:*");
                events.awaitCount(5);
                flush(store(), events, "marker");
                assertThat(events.events(ChangeType.DELETE)).extracting(e -> e.key().orElseThrow())
                        .containsExactlyInAnyOrder("a", "b", "c", "m:1", "m:2");
                assertThat(events.events(ChangeType.DELETE)).allSatisfy(e -> assertThat(e.version()).isEmpty());
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: an expired key that is reclaimed reports EXPIRE")
        void expireEvent() {
            KeyValueStore s = openEngine(fastSweep()).store(PLUGIN);
            EventRecorder events = new EventRecorder();
            try (Subscription sub = s.watch("*", events)) {
                s.setString("k", "x", SHORT_TTL);
                events.await("EXPIRE of k", e -> e.type() == ChangeType.EXPIRE && e.key().filter("k"::equals).isPresent());
                assertThat(events.events(ChangeType.DELETE)).isEmpty();
            }
            assertThat(s.exists("k")).isFalse();
        }

        @Test
        @DisplayName("KeyValueStore#watch: events of one key arrive in write order (1,000 writes)")
        void perKeyOrder() {
            EventRecorder events = new EventRecorder();
            List<Long> written = new ArrayList<>();
            try (Subscription sub = store().watch("counter", events)) {
                for (int i = 0; i < 1000; i++) {
                    written.add(store().setString("counter", Integer.toString(i)));
                }
                events.awaitCount(1000);
                assertThat(events.events()).extracting(e -> e.version().orElseThrow()).containsExactlyElementsOf(written);
                assertThat(sub.droppedEvents()).isZero();
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: SET and DELETE of one key arrive in write order (200 alternations)")
        void perKeyOrderOfTypes() {
            EventRecorder events = new EventRecorder();
            List<ChangeType> written = new ArrayList<>();
            try (Subscription sub = store().watch("flip", events)) {
                for (int i = 0; i < 200; i++) {
                    store().setString("flip", "x");
                    written.add(ChangeType.SET);
                    if (i % 3 != 2) {
                        store().delete("flip");
                        written.add(ChangeType.DELETE);
                    }
                }
                events.awaitCount(written.size());
                assertThat(events.events()).extracting(ChangeEvent::type).containsExactlyElementsOf(written);
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: per-key order holds with several keys written from several threads")
        void perKeyOrderConcurrent() {
            EventRecorder events = new EventRecorder();
            try (Subscription sub = store().watch("t*", events)) {
                Concurrently.run(4, t -> {
                    for (int i = 0; i < 250; i++) {
                        store().setString("t" + t, Integer.toString(i));
                    }
                });
                events.awaitCount(1000);
                for (int t = 0; t < 4; t++) {
                    assertThat(events.eventsFor("t" + t)).extracting(e -> e.version().orElseThrow())
                            .hasSize(250).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
                }
                assertThat(events.maxConcurrentCalls()).as("listener never called concurrently with itself").isEqualTo(1);
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: only keys of this scope matching the pattern are reported")
        void onlyMatchingKeys() {
            EventRecorder events = new EventRecorder();
            try (Subscription sub = store().watch("user:*", events)) {
                store().setString("order:1", "x");
                store().setString("user", "x");
                store().setString("xuser:1", "x");
                store().scope("user").setString("user:1", "x");
                store("plugin-b").setString("user:1", "x");
                store().setString("user:1", "x");
                store().delete("order:1");
                store().setString("user:2", "x");
                events.awaitSet("user:2");
                assertThat(events.events()).extracting(e -> e.key().orElseThrow()).containsExactly("user:1", "user:2");
            }
        }

        @Test
        @DisplayName("Subscription#close: stops delivery, isActive turns false, activeSubscriptions returns to its earlier value")
        void closeStopsDelivery() {
            int before = engine().activeSubscriptions();
            EventRecorder closed = new EventRecorder();
            EventRecorder open = new EventRecorder();
            Subscription sub = store().watch("*", closed);
            try (Subscription other = store().watch("*", open)) {
                assertThat(engine().activeSubscriptions()).isEqualTo(before + 2);
                store().setString("first", "x");
                closed.awaitSet("first");
                sub.close();
                assertThat(sub.isActive()).isFalse();
                sub.close();
                assertThat(engine().activeSubscriptions()).isEqualTo(before + 1);
                store().setString("second", "x");
                flush(store(), open, "marker");
                assertThat(closed.events()).extracting(e -> e.key().orElseThrow()).containsExactly("first");
            }
            assertThat(engine().activeSubscriptions()).isEqualTo(before);
        }

        @Test
        @DisplayName("KeyValueStore#watch: a listener that throws does not stop later events or other subscriptions")
        void throwingListener() {
            EventRecorder seen = new EventRecorder();
            EventRecorder bystander = new EventRecorder();
            Consumer<ChangeEvent> thrower = e -> {
                seen.accept(e);
                throw new IllegalStateException("listener failure (expected by the TCK)");
            };
            try (Subscription s1 = store().watch("*", thrower); Subscription s2 = store().watch("*", bystander)) {
                store().setString("a", "1");
                store().setString("b", "2");
                store().setString("c", "3");
                seen.awaitSet("c");
                bystander.awaitSet("c");
                assertThat(seen.events()).extracting(e -> e.key().orElseThrow()).containsExactly("a", "b", "c");
                assertThat(s1.isActive()).isTrue();
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: a full buffer drops and counts events, the writer never waits, and OVERFLOW follows")
        void overflow() throws InterruptedException {
            StorageEngine small = openEngine(Map.of(), StorageSettings.defaults().withWatchBufferSize(4));
            KeyValueStore s = small.store(PLUGIN);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            EventRecorder events = new EventRecorder();
            try (Subscription sub = s.watch("*", e -> {
                events.accept(e);
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            })) {
                s.setString("first", "x");
                assertThat(entered.await(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("first event delivered").isTrue();
                // The listener is now blocked: if a writer waited for it, these writes would never finish.
                Thread writer = new Thread(() -> {
                    for (int i = 0; i < 100; i++) {
                        s.setString("k" + i, "x");
                    }
                });
                writer.start();
                writer.join(Await.DEADLINE.toMillis());
                boolean writerBlocked = writer.isAlive();
                assertThat(writerBlocked).as("writer blocked by a stuck listener").isFalse();
                // Still blocked: the buffer must overflow and count drops (awaited, for asynchronous feeds).
                Await.until("dropped events counted while the listener is stuck", () -> sub.droppedEvents() > 0);
                long dropped = sub.droppedEvents();
                release.countDown();
                events.await("OVERFLOW", e -> e.type() == ChangeType.OVERFLOW);
                ChangeEvent overflow = events.events(ChangeType.OVERFLOW).get(0);
                assertThat(overflow.droppedEvents()).isPositive();
                assertThat(overflow.key()).isEmpty();
                assertThat(sub.droppedEvents()).isGreaterThanOrEqualTo(dropped);
                // Overload is visible, never silent: each of the 101 writes is delivered or counted as dropped.
                // (A provider whose own writes come back through an asynchronous feed may still be delivering
                // some after the first OVERFLOW, so this is awaited rather than checked at once.)
                Await.until("every write delivered or counted as dropped",
                        () -> events.events(ChangeType.SET).size() + sub.droppedEvents() == 101,
                        () -> events.events(ChangeType.SET).size() + " delivered, " + sub.droppedEvents() + " dropped");
                assertThat(events.events(ChangeType.OVERFLOW)).allSatisfy(e -> assertThat(e.droppedEvents())
                        .isPositive().isLessThanOrEqualTo(sub.droppedEvents()));
            } finally {
                release.countDown();
            }
        }

        @Test
        @DisplayName("KeyValueStore#Errors: a write that fails or changes nothing notifies no watcher")
        void failedWritesNotifyNobody() {
            KeyValueStore s = openEngine(Map.of(CommonOptions.MAX_KEYS.name(), "2"),
                    StorageSettings.defaults().withMaxValueBytes(64)).store(PLUGIN);
            long v = s.setString("k", "x");
            long setup = s.setString("counter-text", "abc");
            EventRecorder events = new EventRecorder();
            try (Subscription sub = s.watch("*", events)) {
                assertThat(s.compareAndSet("k", v + 1000, bytes("y"))).isEmpty();
                assertThat(s.setIfAbsent("k", bytes("y"))).isFalse();
                assertThat(s.delete("absent")).isFalse();
                assertThatThrownBy(() -> s.set("k", new byte[65])).isInstanceOf(ValueTooLargeException.class);
                assertThatThrownBy(() -> s.setString("new", "x")).isInstanceOf(QuotaExceededException.class);
                assertThatThrownBy(() -> s.increment("counter-text", 1)).isInstanceOf(NotACounterException.class);
                assertThatThrownBy(() -> s.transaction().setString("k", "z").requireAbsent("k").commit())
                        .isInstanceOf(VersionConflictException.class);
                assertThat(s.deleteMatching("nothing*")).isZero();
                assertThat(s.expire("absent", LONG_TTL)).isFalse();
                long marker = s.setString("k", "marker");
                events.await("SET of the marker", e -> e.version().orElse(0) == marker);
                assertThat(events.after(setup)).singleElement().satisfies(e -> assertThat(e.version()).hasValue(marker));
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: two subscriptions on the same pattern both receive every event")
        void twoSubscriptions() {
            EventRecorder one = new EventRecorder();
            EventRecorder two = new EventRecorder();
            try (Subscription s1 = store().watch("k*", one); Subscription s2 = store().watch("k*", two)) {
                store().setString("k1", "x");
                store().setString("k2", "x");
                one.awaitSet("k2");
                two.awaitSet("k2");
                assertThat(one.events()).hasSize(2);
                assertThat(two.events()).hasSize(2);
            }
        }

        @Test
        @DisplayName("KeyValueStore#watch: after the last watch closed, a new one reports the very next write "
                + "(providers may rest their change feed in between)")
        void watchAgainAfterTheLastOneClosed() {
            EventRecorder first = new EventRecorder();
            try (Subscription sub = store().watch("*", first)) {
                store().setString("a", "x");
                first.awaitSet("a");
            }
            // Written while nothing watches: no watch is owed this event.
            store().setString("unwatched", "x");
            EventRecorder again = new EventRecorder();
            try (Subscription sub = store().watch("*", again)) {
                long v = store().setString("b", "y");
                again.awaitSet("b");
                assertThat(again.events()).filteredOn(e -> e.key().equals(java.util.Optional.of("b")))
                        .singleElement().satisfies(e -> assertThat(e.version()).hasValue(v));
            }
            assertThat(first.events()).extracting(e -> e.key().orElse("")).containsExactly("a");
        }
    }

    // ======================================================================================== Locks

    @Nested
    @DisplayName("Locks")
    class Locks {

        @Test
        @DisplayName("KeyValueStore#lock: returns a held handle; closing releases it; closing twice is a no-op")
        void lockAndRelease() {
            LockHandle h = store().lock("L", Duration.ZERO);
            assertThat(h.key()).isEqualTo("L");
            assertThat(h.isHeld()).isTrue();
            h.close();
            assertThat(h.isHeld()).isFalse();
            h.close();
            try (LockHandle again = store().lock("L", Duration.ZERO)) {
                assertThat(again.isHeld()).isTrue();
            }
        }

        @Test
        @DisplayName("KeyValueStore#tryLock: empty while held, by another thread or the same one (not reentrant); present once released")
        void tryLockWhenHeld() throws Exception {
            try (LockHandle h = store().lock("L", Duration.ZERO)) {
                assertThat(store().tryLock("L")).isEmpty();
                AtomicReference<Optional<LockHandle>> fromOther = new AtomicReference<>();
                Thread t = new Thread(() -> fromOther.set(store().tryLock("L")));
                t.start();
                t.join(Await.DEADLINE.toMillis());
                assertThat(fromOther.get()).isEmpty();
                assertThat(h.isHeld()).isTrue();
            }
            Optional<LockHandle> free = store().tryLock("L");
            assertThat(free).isPresent();
            free.get().close();
        }

        @Test
        @DisplayName("KeyValueStore#lock: LockTimeoutException naming the lock when held for the whole wait, also for a zero wait")
        void lockTimeout() {
            try (LockHandle h = store().lock("L", Duration.ZERO)) {
                assertThatThrownBy(() -> store().lock("L", Duration.ofMillis(100)))
                        .isInstanceOfSatisfying(LockTimeoutException.class, e -> assertThat(e.key()).isEqualTo("L"));
                assertThatThrownBy(() -> store().lock("L", Duration.ZERO)).isInstanceOf(LockTimeoutException.class);
                assertThatThrownBy(() -> store().lock("L", Duration.ofMillis(50), Duration.ofSeconds(5)))
                        .isInstanceOf(LockTimeoutException.class);
                assertThat(h.isHeld()).isTrue();
            }
        }

        @Test
        @DisplayName("KeyValueStore#lock: a waiter acquires the lock once the holder releases it")
        void waiterAcquiresAfterRelease() throws Exception {
            LockHandle h = store().lock("L", Duration.ZERO);
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                waiting.countDown();
                try (LockHandle mine = store().lock("L", Await.DEADLINE)) {
                    result.set(mine.isHeld());
                } catch (RuntimeException e) {
                    result.set(e);
                }
            });
            waiter.start();
            waiting.await();
            Await.sleep(100);
            h.close();
            waiter.join(Await.DEADLINE.toMillis() * 2);
            assertThat(result.get()).isEqualTo(true);
        }

        @Test
        @DisplayName("KeyValueStore#lock: exclusive across threads: a lock-protected read-modify-write loses nothing")
        void exclusiveAcrossThreads() {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger maxInside = new AtomicInteger();
            Concurrently.run(4, t -> {
                for (int i = 0; i < 100; i++) {
                    try (LockHandle h = store().lock("counter-lock", Duration.ofMinutes(2))) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        long n = store().getString("n").map(Long::parseLong).orElse(0L);
                        store().setString("n", Long.toString(n + 1));
                        inside.decrementAndGet();
                    }
                }
            });
            assertThat(maxInside.get()).isEqualTo(1);
            assertThat(store().getString("n")).hasValue("400");
        }

        @Test
        @DisplayName("KeyValueStore#lock: lock names live apart from data keys")
        void lockNamesApartFromKeys() {
            try (LockHandle h = store().lock("k", Duration.ZERO)) {
                assertThat(store().exists("k")).isFalse();
                assertThat(store().keys("*")).isEmpty();
                assertThat(store().count("*")).isZero();
                store().setString("k", "data");
                store().delete("k");
                store().clear();
                assertThat(h.isHeld()).isTrue();
                assertThat(store().tryLock("k")).isEmpty();
            }
            store().setString("k2", "data");
            try (LockHandle h = store().lock("k2", Duration.ZERO)) {
                assertThat(store().getString("k2")).hasValue("data");
            }
        }

        @Test
        @DisplayName("KeyValueStore#lock: a lease under 100 ms or over MAX_DURATION, or a wait that is negative or over MAX_DURATION, throws InvalidArgumentException naming it")
        void leaseAndWaitValidated() {
            Duration tooLong = KeyValueStore.MAX_DURATION.plusMillis(1);
            Map<String, Executable> calls = new LinkedHashMap<>();
            calls.put("lease", () -> store().lock("L", Duration.ZERO, Duration.ofMillis(50)));
            calls.put("lease ", () -> store().lock("L", Duration.ZERO, Duration.ofMillis(-50)));
            calls.put(" lease", () -> store().lock("L", Duration.ZERO, tooLong));
            calls.put(" lease ", () -> store().lock("L", Duration.ZERO, Duration.ofDays(100_000_000_000_000L)));
            calls.put("wait", () -> store().lock("L", Duration.ofMillis(-1)));
            calls.put("wait ", () -> store().lock("L", tooLong));
            calls.put(" wait", () -> store().lock("L", Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(1)));
            calls.forEach((argument, call) -> assertThatThrownBy(call::execute).as(argument)
                    .isInstanceOf(InvalidArgumentException.class)
                    .satisfies(t -> assertThat(((InvalidArgumentException) t).argument()).isEqualTo(argument.trim())));
            try (LockHandle h = store().lock("L", KeyValueStore.MAX_DURATION, KeyValueStore.MAX_DURATION)) {
                assertThat(h.isHeld()).isTrue();
            }
            try (LockHandle h = store().lock("L", Duration.ZERO, Duration.ofMillis(100))) {
                assertThat(h.isHeld()).isTrue();
            }
        }

        @Test
        @DisplayName("KeyValueStore#lock: the runtime renews a short explicit lease, so a held lock stays exclusive past it")
        void leaseRenewed() {
            // Renewal runs well inside the lease; holding for more than two leases proves it happened.
            try (LockHandle h = store().lock("L", Duration.ZERO, Duration.ofSeconds(2))) {
                Await.sleep(4_500);
                assertThat(h.isHeld()).isTrue();
                assertThat(store().tryLock("L")).isEmpty();
            }
            assertThat(store().tryLock("L")).hasValueSatisfying(LockHandle::close);
        }

        @Test
        @DisplayName("StorageBackend#lockEntries: the lock registry shrinks back to empty once every handle is closed")
        void registryShrinks() {
            int before = engine().lockEntries();
            List<LockHandle> handles = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                handles.add(store().lock("lock-" + i, Duration.ZERO));
            }
            store().tryLock("lock-0");
            store().tryLock("lock-x").ifPresent(LockHandle::close);
            assertThat(engine().lockEntries()).isGreaterThanOrEqualTo(before);
            handles.forEach(LockHandle::close);
            Concurrently.run(4, t -> {
                for (int i = 0; i < 50; i++) {
                    store().tryLock("shared-" + (i % 5)).ifPresent(LockHandle::close);
                }
            });
            assertThat(engine().lockEntries()).isZero();
        }
    }

    // ======================================================================================= Quotas

    @Nested
    @DisplayName("Quotas")
    class Quotas {

        @Test
        @DisplayName("QuotaExceededException: a new key beyond maxKeys is refused naming scope, key and limit; nothing is written")
        void newKeyRefused() {
            KeyValueStore s = storeWithMaxKeys(3);
            seed(s, "a", "b", "c");
            assertThatThrownBy(() -> s.setString("d", "x")).isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                assertThat(e.namespace()).isEqualTo(PLUGIN);
                assertThat(e.key()).isEqualTo("d");
                assertThat(e.maxKeys()).isEqualTo(3);
            });
            assertThatThrownBy(() -> s.set("d", bytes("x"), LONG_TTL)).isInstanceOf(QuotaExceededException.class);
            assertThatThrownBy(() -> s.setObject("d", List.of())).isInstanceOf(QuotaExceededException.class);
            assertThatThrownBy(() -> s.setIfAbsent("d", bytes("x"))).isInstanceOf(QuotaExceededException.class);
            assertThatThrownBy(() -> s.compareAndSet("d", KeyValueStore.ABSENT, bytes("x")))
                    .isInstanceOf(QuotaExceededException.class);
            assertThatThrownBy(() -> s.increment("d", 1)).isInstanceOf(QuotaExceededException.class);
            assertThat(s.keys("*")).containsExactly("a", "b", "c");
        }

        @Test
        @DisplayName("QuotaExceededException: overwriting an existing key at the limit is allowed, by every write kind")
        void overwriteAllowed() {
            KeyValueStore s = storeWithMaxKeys(3);
            seed(s, "a", "b");
            long v = s.setString("c", "1");
            s.setString("a", "new");
            s.set("b", bytes("new"), LONG_TTL);
            assertThat(s.compareAndSet("c", v, bytes("2"))).isPresent();
            s.delete("c");
            s.setString("n", "1");
            assertThat(s.increment("n", 1)).isEqualTo(2);
            assertThat(s.setIfAbsent("n", bytes("x"))).isFalse();
            s.setAll(Map.of("a", bytes("x"), "b", bytes("y")));
            s.transaction().setString("a", "tx").commit();
            assertThat(s.count("*")).isEqualTo(3);
        }

        @Test
        @DisplayName("QuotaExceededException: deleting a key frees its slot")
        void deleteFrees() {
            KeyValueStore s = storeWithMaxKeys(2);
            seed(s, "a", "b");
            s.delete("a");
            s.setString("c", "x");
            assertThat(s.keys("*")).containsExactly("b", "c");
        }

        @Test
        @DisplayName("KeyValueStore#Expiry: an expired key does not count toward maxKeys")
        void expiredKeysDoNotCount() {
            KeyValueStore s = storeWithMaxKeys(2);
            s.setString("a", "x");
            expireNow(s, "b", "x");
            s.setString("c", "x");
            assertThat(s.keys("*")).containsExactly("a", "c");
        }

        @Test
        @DisplayName("KeyValueStore#setAll: a batch whose new keys do not fit stores none of it, overwrites included")
        void setAllOverQuota() {
            KeyValueStore s = storeWithMaxKeys(3);
            seed(s, "a", "b");
            Map<String, byte[]> batch = new LinkedHashMap<>();
            batch.put("a", bytes("changed"));
            batch.put("c", bytes("new"));
            batch.put("d", bytes("new"));
            assertThatThrownBy(() -> s.setAll(batch)).isInstanceOf(QuotaExceededException.class);
            assertThatThrownBy(() -> s.setAll(batch, LONG_TTL)).isInstanceOf(QuotaExceededException.class);
            assertThat(s.keys("*")).containsExactly("a", "b");
            assertThat(s.getString("a")).hasValue("v:a");
            batch.remove("d");
            s.setAll(batch);
            assertThat(s.keys("*")).containsExactly("a", "b", "c");
        }

        @Test
        @DisplayName("Transaction#commit: a transaction whose new keys exceed maxKeys throws QuotaExceededException; nothing is applied")
        void transactionOverQuota() {
            KeyValueStore s = storeWithMaxKeys(3);
            seed(s, "a", "b");
            assertThatThrownBy(() -> s.transaction().setString("a", "changed").delete("b").setString("c", "new")
                    .setString("d", "new").setString("e", "new").commit()).isInstanceOf(QuotaExceededException.class);
            assertThat(s.keys("*")).containsExactly("a", "b");
            assertThat(s.getString("a")).hasValue("v:a");
            s.transaction().delete("a").setString("c", "new").setString("d", "new").commit();
            assertThat(s.keys("*")).containsExactly("b", "c", "d");
        }

        @Test
        @DisplayName("CommonOptions#MAX_KEYS: the limit applies per scope: another plugin and a bucket have their own")
        void perScope() {
            StorageEngine e = openEngine(Map.of(CommonOptions.MAX_KEYS.name(), "1"));
            e.store(PLUGIN).setString("a", "x");
            e.store("plugin-b").setString("a", "x");
            e.store(PLUGIN).scope("items").setString("a", "x");
            assertThatThrownBy(() -> e.store(PLUGIN).setString("b", "x")).isInstanceOf(QuotaExceededException.class);
            assertThatThrownBy(() -> e.store(PLUGIN).scope("items").setString("b", "x"))
                    .isInstanceOfSatisfying(QuotaExceededException.class,
                            ex -> assertThat(ex.namespace()).isEqualTo(PLUGIN + "/items"));
        }

        @Test
        @DisplayName("CommonOptions#MAX_KEYS: 0 means unlimited")
        void zeroIsUnlimited() {
            KeyValueStore s = storeWithMaxKeys(0);
            Map<String, byte[]> batch = new LinkedHashMap<>();
            for (int i = 0; i < 500; i++) {
                batch.put("k" + i, bytes("x"));
            }
            s.setAll(batch);
            assertThat(s.count("*")).isEqualTo(500);
        }
    }

    // ====================================================================================== Unicode

    @Nested
    @DisplayName("Unicode keys and patterns")
    class UnicodeText {
        /** Code points that exercise every translation: glob metacharacters, backend metacharacters, non-BMP. */
        private final int[] alphabet = {'a', 'b', 'z', 'A', '0', ':', '/', '*', '?', '[', ']', '\\', '-', '!', '^', '%',
            '_', '.', '\'', '"', ' ', 0xE9, 0x20AC, 0xFFFD, 0xE000, 0xFF21, 0x10000, 0x1F600, 0x10FFFF};

        private String randomText(Random random, int maxLength) {
            StringBuilder b = new StringBuilder();
            int length = 1 + random.nextInt(maxLength);
            for (int i = 0; i < length; i++) {
                b.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
            }
            return b.toString();
        }

        private static void appendEscaped(StringBuilder b, int cp) {
            if ("*?[]\\".indexOf(cp) >= 0) {
                b.append('\\');
            }
            b.appendCodePoint(cp);
        }

        /** A random pattern of the grammar: escaped literals, '*', '?', classes with escaped members and ranges. */
        private String randomPattern(Random random, List<String> keys) {
            StringBuilder b = new StringBuilder();
            int tokens = 1 + random.nextInt(5);
            String source = keys.get(random.nextInt(keys.size()));
            int[] cps = source.codePoints().toArray();
            for (int t = 0; t < tokens; t++) {
                int kind = random.nextInt(10);
                if (kind < 4) {
                    appendEscaped(b, cps[Math.min(t, cps.length - 1)]);
                } else if (kind < 6) {
                    b.append('*');
                } else if (kind < 8) {
                    b.append('?');
                } else {
                    b.append('[');
                    if (random.nextBoolean()) {
                        b.append('!');
                    }
                    int lo = alphabet[random.nextInt(alphabet.length)];
                    int hi = alphabet[random.nextInt(alphabet.length)];
                    b.append('\\').appendCodePoint(Math.min(lo, hi));
                    if (random.nextBoolean()) {
                        b.append("-\\").appendCodePoint(Math.max(lo, hi));
                    }
                    b.append(']');
                }
            }
            return b.toString();
        }

        private List<String> randomKeys(Random random, int count) {
            Set<String> keys = new java.util.TreeSet<>(KeyRules.UTF8_ORDER);
            while (keys.size() < count) {
                keys.add(randomText(random, 6));
            }
            return new ArrayList<>(keys);
        }

        @Test
        @DisplayName("KeyValueStore#Patterns: keys and count agree with GlobPattern#matches on random Unicode keys and patterns")
        void listingAgreesWithTheGrammarOnRandomUnicode() {
            Random random = new Random(20261202);
            List<String> keys = randomKeys(random, 80);
            keys.forEach(k -> store().setString(k, "v"));
            assertThat(store().keys("*")).containsExactlyElementsOf(keys);
            for (int i = 0; i < 250; i++) {
                String pattern = randomPattern(random, keys);
                GlobPattern glob = GlobPattern.compile(pattern);
                List<String> expected = keys.stream().filter(glob::matches).collect(Collectors.toList());
                assertThat(store().keys(pattern)).as("keys(%s)", pattern).containsExactlyElementsOf(expected);
                assertThat(store().count(pattern)).as("count(%s)", pattern).isEqualTo(expected.size());
            }
        }

        @Test
        @DisplayName("KeyValueStore#deleteMatching: deletes exactly the keys GlobPattern#matches accepts, on random Unicode keys and patterns")
        void deleteMatchingAgreesWithTheGrammarOnRandomUnicode() {
            Random random = new Random(1402);
            List<String> keys = randomKeys(random, 40);
            for (int i = 0; i < 12; i++) {
                KeyValueStore bucket = store().scope("d" + i);
                keys.forEach(k -> bucket.setString(k, "v"));
                String pattern = randomPattern(random, keys);
                GlobPattern glob = GlobPattern.compile(pattern);
                List<String> kept = keys.stream().filter(k -> !glob.matches(k)).collect(Collectors.toList());
                assertThat(bucket.deleteMatching(pattern)).as("deleteMatching(%s)", pattern)
                        .isEqualTo(keys.size() - kept.size());
                assertThat(bucket.keys("*")).as("left after deleteMatching(%s)", pattern).containsExactlyElementsOf(kept);
            }
        }

        @ParameterizedTest(name = "pattern {index}")
        @ValueSource(strings = {"\uD800*", "*\uDC00", "?\uDC00*", "[\uD800]", "a\uDBFF", "\\\uDC00", "*\uDE00\uD83D"})
        @DisplayName("KeyValueStore#Patterns: a pattern with an unpaired surrogate throws InvalidPatternException on every method; nothing is read or changed")
        void unpairedSurrogatePatternsAreRefused(String pattern) {
            seed(store(), "alpha", "beta", "user:1", "zz", "\uD83D\uDE00");
            List<Executable> calls = List.of(() -> store().keys(pattern), () -> store().keys(pattern, 10),
                    () -> store().keysAfter(pattern, "a", 10), () -> store().count(pattern),
                    () -> store().deleteMatching(pattern), () -> store().watch(pattern, e -> { }));
            for (Executable call : calls) {
                assertThatThrownBy(call::execute).isInstanceOfSatisfying(InvalidPatternException.class,
                        e -> assertThat(e.getMessage()).contains("unpaired surrogate"));
            }
            assertThat(store().keys("*")).containsExactlyInAnyOrder("alpha", "beta", "user:1", "zz", "\uD83D\uDE00");
        }

        @Test
        @DisplayName("KeyValueStore#keysAfter: a cursor that breaks the key rules throws InvalidKeyException; nothing is read")
        void aCursorNoKeyCouldBeIsRefused() {
            seed(store(), "a", "b");
            for (String cursor : List.of("\uD800", "a\uDC00", "", "bad\u0000")) {
                assertThatThrownBy(() -> store().keysAfter("*", cursor, 10)).isInstanceOf(InvalidKeyException.class);
            }
            assertThat(store().keysAfter("*", "a", 10).keys()).containsExactly("b");
        }
    }

    // =================================================================================== Interrupts

    @Nested
    @DisplayName("Interrupts")
    class Interrupts {

        @Test
        @DisplayName("KeyValueStore#Threading: an interrupted caller gets at most an exception for its own call and keeps its interrupt status; every other caller is served")
        void anInterruptedCallerBreaksNothingForOthers() throws Throwable {
            KeyValueStore a = store("plugin-a");
            KeyValueStore b = store("plugin-b");
            int slots = 500;
            long[] acknowledged = new long[slots];
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            AtomicLong writes = new AtomicLong();
            Thread writer = new Thread(() -> {
                try {
                    for (long i = 1; !stop.get(); i++) {
                        int slot = (int) (i % slots);
                        a.setString("w:" + slot, Long.toString(i));
                        acknowledged[slot] = i;
                        writes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            }, "tck-uninterrupted-writer");
            writer.start();
            Map<String, Executable> calls = new LinkedHashMap<>();
            calls.put("setString", () -> b.setString("k", "v"));
            calls.put("set with ttl", () -> b.set("t", bytes("v"), LONG_TTL));
            calls.put("get", () -> b.get("k"));
            calls.put("getAll", () -> b.getAll(List.of("k", "t", "n")));
            calls.put("setAll", () -> b.setAll(Map.of("x", bytes("1"), "y", bytes("2"))));
            calls.put("increment", () -> b.increment("n", 1));
            calls.put("compareAndSet", () -> b.compareAndSet("k", 1, bytes("v")));
            calls.put("delete", () -> b.delete("y"));
            calls.put("expire", () -> b.expire("k", LONG_TTL));
            calls.put("keys", () -> b.keys("*"));
            calls.put("count", () -> b.count("*"));
            calls.put("transaction", () -> b.transaction().setString("tx", "v").delete("x").commit());
            calls.put("tryLock", () -> b.tryLock("L").ifPresent(LockHandle::close));
            calls.put("lock", () -> b.lock("L", Duration.ofMillis(20)).close());
            calls.put("watch", () -> b.watch("*", e -> { }).close());
            Map<String, Integer> failures = new TreeMap<>();
            try {
                for (int round = 0; round < 20; round++) {
                    for (Map.Entry<String, Executable> call : calls.entrySet()) {
                        Thread.currentThread().interrupt();
                        try {
                            call.getValue().execute();
                        } catch (StorageException e) {
                            failures.merge(call.getKey() + ": " + e.getClass().getSimpleName(), 1, Integer::sum);
                        }
                        assertThat(Thread.interrupted()).as("the interrupt status after %s", call.getKey()).isTrue();
                    }
                }
            } finally {
                Thread.interrupted();
                Await.until("the uninterrupted writer to make progress", () -> writes.get() > 50);
                stop.set(true);
                writer.join(TimeUnit.MINUTES.toMillis(2));
            }
            assertThat(writerFailure.get()).as("the writer of another plugin, never interrupted").isNull();
            for (Executable call : calls.values()) {
                call.execute();
            }
            assertThat(b.getString("tx")).hasValue("v");
            for (int slot = 0; slot < slots; slot++) {
                if (acknowledged[slot] != 0) {
                    assertThat(a.getString("w:" + slot)).as("acknowledged write of slot %d", slot)
                            .hasValue(Long.toString(acknowledged[slot]));
                }
            }
            // Failures are allowed, as long as each is a StorageException for the interrupted call itself.
            org.slf4j.LoggerFactory.getLogger(StorageContractTck.class).info("Interrupted calls that failed: {}", failures);
        }
    }

    // ======================================================================================= Errors

    @Nested
    @DisplayName("Errors")
    class Errors {

        @TestFactory
        @DisplayName("KeyValueStore#Errors: after the runtime closes, every method throws StoreClosedException")
        Stream<DynamicTest> closedStoreThrows() {
            KeyValueStore s = store();
            KeyValueStore bucket = s.scope("items");
            s.setString("k", "x");
            engine().close();
            Map<String, Executable> calls = new LinkedHashMap<>();
            calls.put("get", () -> s.get("k"));
            calls.put("getString", () -> s.getString("k"));
            calls.put("getObject", () -> s.getObject("k", Note.class));
            calls.put("getEntry", () -> s.getEntry("k"));
            calls.put("exists", () -> s.exists("k"));
            calls.put("getAll", () -> s.getAll(List.of("k")));
            calls.put("set", () -> s.set("k", bytes("y")));
            calls.put("setString", () -> s.setString("k", "y"));
            calls.put("setObject", () -> s.setObject("k", List.of()));
            calls.put("setIfAbsent", () -> s.setIfAbsent("n", bytes("y")));
            calls.put("compareAndSet", () -> s.compareAndSet("k", 1, bytes("y")));
            calls.put("increment", () -> s.increment("c", 1));
            calls.put("delete", () -> s.delete("k"));
            calls.put("setAll", () -> s.setAll(Map.of("k", bytes("y"))));
            calls.put("deleteAll", () -> s.deleteAll(List.of("k")));
            calls.put("ttl", () -> s.ttl("k"));
            calls.put("expire", () -> s.expire("k", LONG_TTL));
            calls.put("persist", () -> s.persist("k"));
            calls.put("keys", () -> s.keys("*"));
            calls.put("keys(limit)", () -> s.keys("*", 10));
            calls.put("keysAfter", () -> s.keysAfter("*", "a", 10));
            calls.put("count", () -> s.count("*"));
            calls.put("deleteMatching", () -> s.deleteMatching("*"));
            calls.put("clear", s::clear);
            calls.put("transaction", () -> s.transaction().setString("k", "y").commit());
            calls.put("watch", () -> s.watch("*", e -> { }));
            calls.put("lock", () -> s.lock("L", Duration.ZERO));
            calls.put("tryLock", () -> s.tryLock("L"));
            calls.put("bucket get", () -> bucket.get("k"));
            calls.put("bucket set", () -> bucket.setString("k", "y"));
            return calls.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(),
                    () -> assertThatThrownBy(c.getValue()::execute).isInstanceOf(StoreClosedException.class)));
        }

        @Test
        @DisplayName("StorageEngine#close: idempotent; subscriptions end and held locks close without throwing")
        void closeEndsEverything() {
            Subscription sub = store().watch("*", e -> { });
            LockHandle lock = store().lock("L", Duration.ZERO);
            engine().close();
            engine().close();
            assertThat(sub.isActive()).isFalse();
            assertThatCode(sub::close).doesNotThrowAnyException();
            assertThatCode(lock::close).doesNotThrowAnyException();
            assertThat(lock.isHeld()).isFalse();
        }

        @Test
        @DisplayName("StorageException#isRetryable: input errors, conflicts and quotas are not retryable")
        void notRetryable() {
            KeyValueStore s = storeWithMaxKeys(1);
            s.setString("a", "x");
            List<StorageException> errors = new ArrayList<>();
            List<Executable> calls = List.of(() -> s.get(""), () -> s.keys("["), () -> s.setString("b", "x"),
                    () -> s.transaction().requireAbsent("a").commit(), () -> s.increment("a", 1));
            for (Executable call : calls) {
                try {
                    call.execute();
                } catch (StorageException e) {
                    errors.add(e);
                } catch (Throwable t) {
                    throw new AssertionError("expected a StorageException", t);
                }
            }
            assertThat(errors).hasSize(calls.size()).noneMatch(StorageException::isRetryable);
        }
    }

    // ================================================================================== Concurrency

    @Nested
    @DisplayName("Concurrency")
    class Concurrency {

        @Test
        @DisplayName("KeyValueStore#Threading: 4 threads x 10,000 increments add up exactly")
        void concurrentIncrements() {
            Concurrently.run(4, t -> {
                for (int i = 0; i < 10_000; i++) {
                    store().increment("counter", 1);
                }
            });
            assertThat(store().getString("counter")).hasValue("40000");
        }

        @Test
        @DisplayName("KeyValueStore#compareAndSet: a CAS retry loop from 4 threads loses no update")
        void casLoop() {
            store().setString("n", "0");
            AtomicLong conflicts = new AtomicLong();
            Concurrently.run(4, t -> {
                for (int i = 0; i < 250; i++) {
                    while (true) {
                        Entry e = store().getEntry("n").orElseThrow();
                        long next = Long.parseLong(e.valueAsString()) + 1;
                        if (store().compareAndSet("n", e.version(), bytes(Long.toString(next))).isPresent()) {
                            break;
                        }
                        conflicts.incrementAndGet();
                    }
                }
            });
            assertThat(store().getString("n")).hasValue("1000");
        }

        @Test
        @DisplayName("KeyValueStore#lock: a lock-protected get/set counter from 4 threads is exact")
        void lockProtectedCounter() {
            Concurrently.run(4, t -> {
                for (int i = 0; i < 250; i++) {
                    try (LockHandle h = store().lock("guard", Duration.ofMinutes(2))) {
                        long n = store().getString("n").map(Long::parseLong).orElse(0L);
                        store().setString("n", Long.toString(n + 1));
                    }
                }
            });
            assertThat(store().getString("n")).hasValue("1000");
            assertThat(engine().lockEntries()).isZero();
        }

        @Test
        @DisplayName("KeyValueStore#setIfAbsent: among 8 racing threads exactly one wins, every round")
        void setIfAbsentRace() {
            AtomicInteger winners = new AtomicInteger();
            Concurrently.run(8, t -> {
                for (int round = 0; round < 50; round++) {
                    if (store().setIfAbsent("r" + round, bytes("t" + t))) {
                        winners.incrementAndGet();
                    }
                }
            });
            assertThat(winners.get()).isEqualTo(50);
            assertThat(store().count("r*")).isEqualTo(50);
        }

        @Test
        @DisplayName("Transaction#commit: racing transactions guarded by the same version: exactly one commits")
        void transactionRace() {
            long v = store().setString("guard", "0");
            AtomicInteger committed = new AtomicInteger();
            AtomicInteger conflicted = new AtomicInteger();
            Concurrently.run(4, t -> {
                try {
                    store().transaction().requireVersion("guard", v).setString("guard", "t" + t).setString("w" + t, "x").commit();
                    committed.incrementAndGet();
                } catch (VersionConflictException e) {
                    conflicted.incrementAndGet();
                }
            });
            assertThat(committed.get()).isEqualTo(1);
            assertThat(conflicted.get()).isEqualTo(3);
            assertThat(store().count("w*")).isEqualTo(1);
        }

        @Test
        @DisplayName("KeyValueStore#Threading: setAll is atomic: two threads writing the same pair leave equal values")
        void batchesAtomic() {
            Concurrently.run(2, t -> {
                for (int i = 0; i < 300; i++) {
                    String v = "t" + t + "-" + i;
                    Map<String, byte[]> pair = new LinkedHashMap<>();
                    // Opposite orders make a non-atomic batch interleave.
                    pair.put(t == 0 ? "x" : "y", bytes(v));
                    pair.put(t == 0 ? "y" : "x", bytes(v));
                    store().setAll(pair);
                }
            });
            assertThat(store().getString("x")).isPresent().isEqualTo(store().getString("y"));
        }
    }

    // ================================================================================= Capabilities

    @Nested
    @DisplayName("Capabilities")
    class Capabilities {

        /**
         * Runs the contract tests of each capability the provider declares, and only those: capability flags
         * select tests, so an undeclared capability adds no test instead of a skipped one. Each runs on its
         * own fresh data set, as a {@code @Test} would.
         */
        @TestFactory
        @DisplayName("Capability tests of every declared capability")
        Stream<DynamicTest> declaredCapabilities() {
            List<DynamicTest> tests = new ArrayList<>();
            declared(tests, Capability.DURABLE, "Capability.DURABLE: data written survives closing the engine and opening another on the same options", this::durable);
            declared(tests, Capability.DURABLE, "Capability.DURABLE: a cleared scope stays cleared after reopening", this::durableClear);
            declared(tests, Capability.SHARED_ACROSS_PROCESSES, "Capability.SHARED_ACROSS_PROCESSES: two engines open at once on the same options see each other's writes", this::shared);
            declared(tests, Capability.SHARED_ACROSS_PROCESSES, "Capability.SHARED_ACROSS_PROCESSES: maxKeys counts the keys written through every engine", this::sharedQuota);
            declared(tests, Capability.SHARED_ACROSS_PROCESSES, "Capability.SHARED_ACROSS_PROCESSES: increments from two engines at once add up exactly", this::sharedCounters);
            declared(tests, Capability.CROSS_PROCESS_LOCKS, "Capability.CROSS_PROCESS_LOCKS: a lock held through one engine excludes the other until released", this::crossProcessLocks);
            declared(tests, Capability.CROSS_PROCESS_EVENTS, "Capability.CROSS_PROCESS_EVENTS: a watcher on one engine sees the other engine's writes", this::crossProcessEvents);
            return tests.stream();
        }

        private void declared(List<DynamicTest> tests, Capability capability, String name, Runnable body) {
            if (declares(capability)) {
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    try {
                        body.run();
                    } finally {
                        startNextDataSet();
                    }
                }));
            }
        }

        @Test
        @DisplayName("Capability: the cross-process capabilities imply SHARED_ACROSS_PROCESSES")
        void capabilitiesAreConsistent() {
            for (Set<Capability> declared : List.of(testedProvider().capabilities(),
                    testedProvider().capabilities(testedConfig()))) {
                if (declared.contains(Capability.CROSS_PROCESS_EVENTS)
                        || declared.contains(Capability.CROSS_PROCESS_LOCKS)) {
                    assertThat(declared).contains(Capability.SHARED_ACROSS_PROCESSES);
                }
            }
        }

        @Test
        @DisplayName("Capability: what the tested options guarantee is a subset of what the provider declares")
        void configuredCapabilitiesAreASubset() {
            assertThat(testedProvider().capabilities()).containsAll(testedProvider().capabilities(testedConfig()));
        }

        @Test
        @DisplayName("CommonOptions: the provider declares maxKeys and sweepInterval with their common meaning")
        void commonOptionsDeclared() {
            Map<String, OptionSpec<?>> byName = testedProvider().options().stream()
                    .collect(Collectors.toMap(OptionSpec::name, o -> o));
            assertThat(byName).containsKeys(CommonOptions.MAX_KEYS.name(), CommonOptions.SWEEP_INTERVAL.name());
            assertThat(byName.get(CommonOptions.MAX_KEYS.name()).type()).isEqualTo(Long.class);
            assertThat(byName.get(CommonOptions.SWEEP_INTERVAL.name()).type()).isEqualTo(Duration.class);
        }

        @Test
        @DisplayName("StorageProvider: id is lower-case letters and digits; description and capabilities are present")
        void providerMetadata() {
            StorageProvider p = testedProvider();
            assertThat(p.id()).matches("[a-z0-9]+");
            assertThat(p.description()).isNotBlank();
            assertThat(p.capabilities()).isNotNull();
            assertThat(p.options()).isNotNull();
        }

        @Test
        @DisplayName("StorageProvider: the constructor and id, description, capabilities and options start no thread")
        void metadataIsCheap() {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            StorageProvider p = provider();
            p.id();
            p.description();
            p.capabilities();
            p.options();
            Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
            started.removeAll(before);
            assertThat(started).extracting(Thread::getName).isEmpty();
        }

        @Test
        @DisplayName("StorageContractTck#freshOptions: each test starts from an empty data set")
        void freshDataSetIsEmpty() {
            assertThat(store().keys("*")).isEmpty();
            assertThat(store().scope("items").keys("*")).isEmpty();
            assertThat(store("plugin-b").count("*")).isZero();
        }

        /** Capability.DURABLE: data written survives closing the engine and opening another on the same options */
        private void durable() {
            KeyValueStore first = store();
            first.setString("k", "kept");
            long version = first.getEntry("k").orElseThrow().version();
            first.setString("t", "x", LONG_TTL);
            Instant expiresAt = first.getEntry("t").orElseThrow().expiresAt().orElseThrow();
            first.setString("short", "x", SHORT_TTL);
            first.setString("deleted", "x");
            first.delete("deleted");
            first.scope("items").setObject("note", new Note("n", 1, List.of("a")));
            first.increment("counter", 7);
            engine().close();

            KeyValueStore second = openEngine(Map.of()).store(PLUGIN);
            assertThat(second.getString("k")).hasValue("kept");
            assertThat(second.getEntry("k").orElseThrow().version()).isEqualTo(version);
            assertThat(second.getEntry("t").orElseThrow().expiresAt()).as("expiry is stored as an instant, not a duration")
                    .hasValueSatisfying(at -> assertThat(at.toEpochMilli()).isCloseTo(expiresAt.toEpochMilli(), within(1_000L)));
            Await.until("'short' to expire after the restart", () -> second.getEntry("short").isEmpty());
            assertThat(second.exists("deleted")).isFalse();
            assertThat(second.scope("items").getObject("note", Note.class)).hasValue(new Note("n", 1, List.of("a")));
            assertThat(second.getString("counter")).hasValue("7");
            assertThat(second.keys("*")).containsExactly("counter", "k", "t");
            assertThat(second.setString("k", "newer")).as("versions keep growing after a restart").isGreaterThan(version);
        }

        /** Capability.DURABLE: a cleared scope stays cleared after reopening */
        private void durableClear() {
            seed(store(), "a", "b");
            store().clear();
            store().setString("c", "x");
            engine().close();
            assertThat(openEngine(Map.of()).store(PLUGIN).keys("*")).containsExactly("c");
        }

        /** Capability.SHARED_ACROSS_PROCESSES: two engines open at once on the same options see each other's writes */
        private void shared() {
            KeyValueStore one = store();
            KeyValueStore two = openEngine(Map.of()).store(PLUGIN);
            one.setString("from-one", "1");
            assertThat(two.getString("from-one")).hasValue("1");
            long v = two.setString("from-two", "2");
            assertThat(one.getString("from-two")).hasValue("2");
            assertThat(one.compareAndSet("from-two", v, bytes("3"))).isPresent();
            assertThat(two.compareAndSet("from-two", v, bytes("4"))).as("a stale version from the other engine").isEmpty();
            assertThat(two.getString("from-two")).hasValue("3");
            two.delete("from-one");
            assertThat(one.exists("from-one")).isFalse();
            assertThat(one.keys("*")).containsExactly("from-two");
            long v3 = one.getEntry("from-two").orElseThrow().version();
            two.transaction().requireVersion("from-two", v3).setString("from-two", "5").commit();
            assertThatThrownBy(() -> one.transaction().requireVersion("from-two", v3).setString("from-two", "6").commit())
                    .isInstanceOf(VersionConflictException.class);
            one.clear();
            assertThat(two.keys("*")).isEmpty();
        }

        /** Capability.SHARED_ACROSS_PROCESSES: maxKeys counts the keys written through every engine */
        private void sharedQuota() {
            KeyValueStore one = storeWithMaxKeys(2);
            KeyValueStore two = openEngine(Map.of(CommonOptions.MAX_KEYS.name(), "2")).store(PLUGIN);
            one.setString("a", "x");
            two.setString("b", "x");
            assertThatThrownBy(() -> one.setString("c", "x")).isInstanceOf(QuotaExceededException.class);
            assertThatThrownBy(() -> two.setString("c", "x")).isInstanceOf(QuotaExceededException.class);
        }

        /** Capability.SHARED_ACROSS_PROCESSES: increments from two engines at once add up exactly */
        private void sharedCounters() {
            KeyValueStore one = store();
            KeyValueStore two = openEngine(Map.of()).store(PLUGIN);
            Concurrently.run(2, t -> {
                KeyValueStore s = t == 0 ? one : two;
                for (int i = 0; i < 500; i++) {
                    s.increment("n", 1);
                }
            });
            assertThat(one.getString("n")).hasValue("1000");
        }

        /** Capability.CROSS_PROCESS_LOCKS: a lock held through one engine excludes the other until released */
        private void crossProcessLocks() {
            KeyValueStore one = store();
            KeyValueStore two = openEngine(Map.of()).store(PLUGIN);
            try (LockHandle h = one.lock("L", Duration.ZERO)) {
                assertThat(two.tryLock("L")).isEmpty();
                assertThatThrownBy(() -> two.lock("L", Duration.ofMillis(100))).isInstanceOf(LockTimeoutException.class);
                assertThat(h.isHeld()).isTrue();
            }
            Optional<LockHandle> now = two.tryLock("L");
            assertThat(now).isPresent();
            assertThat(one.tryLock("L")).isEmpty();
            now.get().close();
        }

        /** Capability.CROSS_PROCESS_EVENTS: a watcher on one engine sees the other engine's writes */
        private void crossProcessEvents() {
            KeyValueStore one = store();
            StorageEngine otherEngine = openEngine(Map.of());
            KeyValueStore two = otherEngine.store(PLUGIN);
            EventRecorder events = new EventRecorder();
            try (Subscription sub = two.watch("*", events)) {
                long v = one.setString("k", "x");
                events.awaitSet("k");
                assertThat(events.eventsFor("k")).first().satisfies(e -> assertThat(e.version()).hasValue(v));
                one.delete("k");
                events.await("DELETE of k", e -> e.type() == ChangeType.DELETE);
                one.clear();
                events.await("CLEAR", e -> e.type() == ChangeType.CLEAR);
                one.scope("items").setString("bucket-key", "x");
                store("plugin-b").setString("other-plugin", "x");
                one.setString("marker", "x");
                events.awaitSet("marker");
                assertThat(events.events()).extracting(e -> e.key().orElse(null))
                        .doesNotContain("bucket-key", "other-plugin");
            }
        }
    }
}
