package dev.plinth.provider.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.storage.StorageException;
import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import dev.plinth.spi.storage.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The standalone single-key path ({@link DirectCommands}) on one pooled connection: an error reply to one
 * of a call's commands leaves none of that call's replies unread for the connection's next user.
 */
class DirectCommandsTest {
    private static final Namespace BROKEN = Namespace.of("broken");
    private static final Namespace NS = Namespace.of("fine");

    private String prefix;
    private RedisStorageBackend backend;

    @BeforeEach
    void open() {
        prefix = Backends.uniquePrefix();
        // One connection, so the call after the failed one reuses the connection the failure happened on.
        backend = Backends.open(Map.of("keyPrefix", prefix, "poolSize", "1"), ChangeListener.NONE);
    }

    @AfterEach
    void close() {
        backend.close();
        Backends.purge(RedisServers.sharedPort(), prefix);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anErrorReplyToTheFirstCommandLeavesNoReplyUnread() {
        long v = backend.set(NS, "k", b("value"), StorageBackend.NO_EXPIRY);
        try (Jedis j = new Jedis("127.0.0.1", RedisServers.sharedPort())) {
            // A generation key of the wrong type: the GET of a pipelined get is refused (WRONGTYPE), its
            // HGET still answers after it.
            j.hset(prefix + "{" + BROKEN.path() + "}#g", "x", "y");
        }
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> backend.getValue(BROKEN, "k")).isInstanceOf(StorageException.class);
            assertThatThrownBy(() -> backend.get(BROKEN, "k")).isInstanceOf(StorageException.class);
            // Had the HGET's nil stayed on the connection, these would read it as their generation and
            // their own replies one call late.
            assertThat(backend.getValue(NS, "k")).isEqualTo(b("value"));
            assertThat(backend.get(NS, "k").version()).isEqualTo(v);
            assertThat(backend.getValue(NS, "missing")).isNull();
        }
        long v2 = backend.set(NS, "k", b("two"), StorageBackend.NO_EXPIRY);
        assertThat(v2).isGreaterThan(v);
        assertThat(backend.get(NS, "k").value()).isEqualTo(b("two"));
    }

    @Test
    void everyCallReturnsItsConnectionToThePool() {
        for (int i = 0; i < 50; i++) {
            backend.set(NS, "k" + i, b("v" + i), StorageBackend.NO_EXPIRY);
            assertThat(backend.getValue(NS, "k" + i)).isEqualTo(b("v" + i));
        }
        redis.clients.jedis.util.Pool<redis.clients.jedis.Connection> pool = backend.connectionPool();
        assertThat(pool.getNumActive()).isZero();
        // A connection closed instead of returned would be made anew on the next call.
        assertThat(pool.getCreatedCount()).isEqualTo(1);
    }
}
