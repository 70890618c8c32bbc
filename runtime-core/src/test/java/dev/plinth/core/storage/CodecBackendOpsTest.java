package dev.plinth.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.ValueCodecException;
import dev.plinth.core.config.CodecSettings;
import dev.plinth.core.config.StorageLayers;
import dev.plinth.spi.storage.BackendEntry;
import dev.plinth.spi.storage.Commit;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import dev.plinth.spi.storage.Write;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The value codec layer over a map backend whose stored bytes the test reads raw. */
class CodecBackendOpsTest {
    private static final Namespace NS = Namespace.of("p");
    private static final byte[] KEY_A = filled(32, 1);
    private static final byte[] KEY_B = filled(32, 2);

    private final MapBackendOps backend = new MapBackendOps();

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static byte[] json(int bytes) {
        StringBuilder sb = new StringBuilder("[");
        int i = 0;
        while (sb.length() < bytes) {
            sb.append("{\"id\":").append(i++).append(",\"name\":\"user\",\"active\":true},");
        }
        return sb.append("0]").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static CodecSettings encrypt(String active, Map<String, byte[]> keys) {
        return new CodecSettings(CodecSettings.Compression.NONE, 1024, keys, active);
    }

    private CodecBackendOps ops(CodecSettings s) {
        return new CodecBackendOps(backend, StorageLayers.none().withCodec(s));
    }

    private byte[] raw(String key) {
        return backend.data.get(NS.path() + "\u0000" + key).value();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void largeValuesAreCompressedAndSmallOnesStoredAsGiven() {
        CodecBackendOps ops = ops(new CodecSettings(CodecSettings.Compression.LZ4, 1024, Map.of(), null));
        byte[] big = json(64 * 1024);
        byte[] small = "short".getBytes(StandardCharsets.UTF_8);
        ops.set(NS, "big", big, StorageBackend.NO_EXPIRY);
        ops.set(NS, "small", small, StorageBackend.NO_EXPIRY);

        assertThat(raw("big").length).isLessThan(big.length / 4);
        assertThat(raw("small")).isEqualTo(small);
        assertThat(ops.get(NS, "big").value()).isEqualTo(big);
        assertThat(ops.get(NS, "small").value()).isEqualTo(small);
        assertThat(ops.read(NS, List.of("big", "small")))
                .extracting(BackendEntry::value)
                .containsExactly(big, small);
    }

    @Test
    void getValueTakesTheValueOnlyPathBelowAndDecodes() {
        CodecBackendOps ops = ops(new CodecSettings(CodecSettings.Compression.LZ4, 1024, Map.of(), null));
        byte[] big = json(64 * 1024);
        byte[] small = "short".getBytes(StandardCharsets.UTF_8);
        ops.set(NS, "big", big, StorageBackend.NO_EXPIRY);
        ops.set(NS, "small", small, StorageBackend.NO_EXPIRY);

        assertThat(ops.getValue(NS, "big")).isEqualTo(big);
        assertThat(ops.getValue(NS, "small")).isEqualTo(small);
        assertThat(ops.getValue(NS, "absent")).isNull();
        // A backend's FastPaths.getValue (Redis: one field instead of three) must not be lost under the layer.
        assertThat(backend.valueGets).hasValue(3);
        assertThat(backend.gets).hasValue(0);
    }

    @Test
    void encryptedValuesHoldNoPlaintextAndReadBack() {
        CodecBackendOps ops = ops(encrypt("k1", Map.of("k1", KEY_A)));
        byte[] secret = "the launch code is 0000-1111".getBytes(StandardCharsets.UTF_8);
        ops.set(NS, "s", secret, StorageBackend.NO_EXPIRY);
        ops.commit(NS, new Commit(List.of(), List.of(new Write.Put("t", secret, StorageBackend.NO_EXPIRY))));
        ops.compareAndSet(NS, "u", 0, secret, StorageBackend.NO_EXPIRY);

        for (String k : List.of("s", "t", "u")) {
            assertThat(contains(raw(k), "launch".getBytes(StandardCharsets.UTF_8)))
                    .as(k)
                    .isFalse();
            assertThat(contains(raw(k), "k1".getBytes(StandardCharsets.UTF_8)))
                    .as("the key id is stored with the value")
                    .isTrue();
            assertThat(ops.get(NS, k).value()).isEqualTo(secret);
        }
    }

    @Test
    void compressionAndEncryptionTogether() {
        CodecBackendOps ops = ops(new CodecSettings(CodecSettings.Compression.LZ4, 1024, Map.of("k1", KEY_A), "k1"));
        byte[] big = json(8 * 1024);
        ops.set(NS, "big", big, StorageBackend.NO_EXPIRY);
        assertThat(raw("big").length).isLessThan(big.length / 2);
        assertThat(contains(raw("big"), "user".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(ops.get(NS, "big").value()).isEqualTo(big);
    }

    @Test
    void valuesWrittenBeforeACodecWasEnabledStillRead() {
        backend.writeBehind(NS, "old", "plain".getBytes(StandardCharsets.UTF_8));
        CodecBackendOps ops = ops(new CodecSettings(CodecSettings.Compression.LZ4, 1, Map.of("k1", KEY_A), "k1"));
        assertThat(ops.get(NS, "old").value()).isEqualTo("plain".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRotatedKeyStillReadsOldValues() {
        ops(encrypt("k1", Map.of("k1", KEY_A))).set(NS, "old", "first".getBytes(StandardCharsets.UTF_8), 0);
        Map<String, byte[]> both = new LinkedHashMap<>();
        both.put("k1", KEY_A);
        both.put("k2", KEY_B);
        CodecBackendOps rotated = ops(encrypt("k2", both));
        rotated.set(NS, "new", "second".getBytes(StandardCharsets.UTF_8), 0);

        assertThat(rotated.get(NS, "old").value()).isEqualTo("first".getBytes(StandardCharsets.UTF_8));
        assertThat(rotated.get(NS, "new").value()).isEqualTo("second".getBytes(StandardCharsets.UTF_8));
        assertThat(contains(raw("new"), "k2".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void aWrongKeyIsATypedErrorNamingTheKeyAndKeyId() {
        ops(encrypt("k1", Map.of("k1", KEY_A))).set(NS, "s", "secret".getBytes(StandardCharsets.UTF_8), 0);
        byte[] before = raw("s").clone();
        CodecBackendOps wrong = ops(encrypt("k1", Map.of("k1", KEY_B)));

        assertThatThrownBy(() -> wrong.get(NS, "s"))
                .isInstanceOf(ValueCodecException.class)
                .hasMessageContaining("'s'")
                .hasMessageContaining("key id 'k1' does not open it")
                .satisfies(e -> assertThat(((ValueCodecException) e).key()).isEqualTo("s"))
                .satisfies(
                        e -> assertThat(((ValueCodecException) e).isRetryable()).isFalse());
        assertThat(raw("s")).as("the stored value is left as it was").isEqualTo(before);
    }

    @Test
    void aMissingKeyIsATypedErrorSayingWhichIdIsNeeded() {
        ops(encrypt("k1", Map.of("k1", KEY_A))).set(NS, "s", "secret".getBytes(StandardCharsets.UTF_8), 0);
        assertThatThrownBy(() -> ops(CodecSettings.none()).get(NS, "s"))
                .isInstanceOf(ValueCodecException.class)
                .hasMessageContaining("encrypted with key id 'k1', which is not configured");
        assertThatThrownBy(() -> ops(encrypt("k9", Map.of("k9", KEY_B))).get(NS, "s"))
                .isInstanceOf(ValueCodecException.class)
                .hasMessageContaining("configured: [k9]");
    }

    @Test
    void aDamagedValueIsATypedErrorNeverGarbage() {
        CodecBackendOps ops = ops(new CodecSettings(CodecSettings.Compression.LZ4, 16, Map.of("k1", KEY_A), "k1"));
        ops.set(NS, "s", json(4096), 0);
        raw("s")[raw("s").length - 5] ^= 1;
        assertThatThrownBy(() -> ops.get(NS, "s")).isInstanceOf(ValueCodecException.class);

        CodecBackendOps lz4 = ops(new CodecSettings(CodecSettings.Compression.LZ4, 16, Map.of(), null));
        lz4.set(NS, "c", json(4096), 0);
        byte[] cut = Arrays.copyOf(raw("c"), 40);
        backend.writeBehind(NS, "c", cut);
        assertThatThrownBy(() -> lz4.get(NS, "c")).isInstanceOf(ValueCodecException.class);
    }

    @Test
    void aValueCopiedUnderAnotherKeyDoesNotDecrypt() {
        CodecBackendOps ops = ops(encrypt("k1", Map.of("k1", KEY_A)));
        ops.set(NS, "a", "for a".getBytes(StandardCharsets.UTF_8), 0);
        backend.writeBehind(NS, "b", raw("a"));
        assertThatThrownBy(() -> ops.get(NS, "b")).isInstanceOf(ValueCodecException.class);
    }

    @Test
    void countersStayNumbersTheBackendCanAddTo() {
        CodecBackendOps ops = ops(encrypt("k1", Map.of("k1", KEY_A)));
        ops.set(NS, "n", "41".getBytes(StandardCharsets.US_ASCII), 0);
        assertThat(raw("n")).isEqualTo("41".getBytes(StandardCharsets.US_ASCII));
        assertThat(ops.increment(NS, "n", 1)).isEqualTo(42);
        assertThat(ops.get(NS, "n").value()).isEqualTo("42".getBytes(StandardCharsets.US_ASCII));
        ops.set(NS, "z", "007".getBytes(StandardCharsets.US_ASCII), 0);
        assertThat(raw("z"))
                .as("not a counter by the providers' rule: encrypted")
                .isNotEqualTo("007".getBytes());
        assertThat(ops.get(NS, "z").value()).isEqualTo("007".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aBinaryValueThatLooksLikeAFrameRoundTrips() {
        byte[] tricky = {(byte) 0xF5, 'P', 'L', 1, 7, 7, 7};
        CodecBackendOps none = ops(CodecSettings.none());
        none.set(NS, "t", tricky, 0);
        assertThat(none.get(NS, "t").value()).isEqualTo(tricky);
    }

    @Test
    void aPluginWithoutACodecStillReadsWhatWasFramedAndStoresNewValuesAsGiven() {
        ops(new CodecSettings(CodecSettings.Compression.LZ4, 16, Map.of(), null))
                .set(NS, "c", json(4096), 0);
        CodecBackendOps none = ops(CodecSettings.none());
        assertThat(none.get(NS, "c").value()).isEqualTo(json(4096));
        none.set(NS, "p", "plain".getBytes(StandardCharsets.UTF_8), 0);
        assertThat(raw("p")).isEqualTo("plain".getBytes(StandardCharsets.UTF_8));
    }
}
