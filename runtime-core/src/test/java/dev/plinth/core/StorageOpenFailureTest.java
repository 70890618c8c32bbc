package dev.plinth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.storage.BackendUnavailableException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.testing.FakeProvider;
import dev.plinth.core.testing.RecordingPlugin;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A storage open failure reaches the host as one {@link StorageOpenException} naming the provider and what
 * failed, wrapped at most once, retryable when its cause is; an option the provider refuses stays the
 * {@link ConfigurationException} naming the key. No plugin is called and nothing stays open.
 */
class StorageOpenFailureTest {

    private static <T extends Throwable> T startFailing(FakeProvider provider, Class<T> type) {
        List<String> calls = new CopyOnWriteArrayList<>();
        PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder().build())
                .storageProvider(provider)
                .discoverPlugins(false)
                .plugin(new RecordingPlugin("p", calls))
                .build();
        T e = catchThrowableOfType(type, rt::start);
        assertThat(e).as("start() throws a " + type.getSimpleName()).isNotNull();
        assertThat(calls).isEmpty();
        assertThat(provider.closes).hasValue(0);
        return e;
    }

    @Test
    void aProvidersOwnOpenExceptionArrivesUnchanged() {
        FakeProvider provider = new FakeProvider();
        StorageOpenException own = new StorageOpenException("fake", "/data/x.db is not a database", null, false);
        provider.failOpen = own;
        assertThat(startFailing(provider, StorageOpenException.class)).isSameAs(own);
    }

    @Test
    void anUnreachableBackendIsARetryableOpenFailureWrappedOnce() {
        FakeProvider provider = new FakeProvider();
        provider.failOpen = new BackendUnavailableException("Redis at 127.0.0.1:1 is unreachable", null);
        StorageOpenException e = startFailing(provider, StorageOpenException.class);
        assertThat(e).hasMessage("Storage provider 'fake' could not open: Redis at 127.0.0.1:1 is unreachable");
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getCause()).isSameAs(provider.failOpen);
    }

    @Test
    void aPlainStorageFailureIsWrappedOnceAndNotRetryable() {
        FakeProvider provider = new FakeProvider();
        provider.failOpen = new StorageException("journal.log line 12 is damaged");
        StorageOpenException e = startFailing(provider, StorageOpenException.class);
        assertThat(e.getMessage()).isEqualTo("Storage provider 'fake' could not open: journal.log line 12 is damaged");
        assertThat(e.isRetryable()).isFalse();
    }

    @Test
    void anOptionRefusedAtOpenStaysAConfigurationErrorNamingTheKey() {
        FakeProvider provider = new FakeProvider();
        provider.failOpen = new ConfigurationException(
                "plinth.storage.fake.path", "Invalid value for plinth.storage.fake.path: /proc is not writable");
        ConfigurationException e = startFailing(provider, ConfigurationException.class);
        assertThat(e).isSameAs(provider.failOpen);
        assertThat(e.key()).contains("plinth.storage.fake.path");
    }

    @Test
    void aProviderBugIsAnOpenFailureNamingTheProvider() {
        FakeProvider provider = new FakeProvider();
        provider.failOpen = new IllegalStateException("boom");
        StorageOpenException e = startFailing(provider, StorageOpenException.class);
        assertThat(e)
                .hasMessage("Storage provider 'fake' could not open: unexpected java.lang.IllegalStateException: boom");
        assertThat(e.isRetryable()).isFalse();
    }
}
