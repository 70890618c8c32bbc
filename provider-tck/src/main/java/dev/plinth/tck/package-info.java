/**
 * The provider TCK: the {@link dev.plinth.api.storage.KeyValueStore} contract as JUnit 5 tests that every
 * storage provider runs.
 *
 * <h2>Use</h2>
 * In the provider's {@code src/test/java}, extend {@link dev.plinth.tck.StorageContractTck} and supply the
 * provider and the options of a fresh, empty data set:
 * <pre>{@code
 * class SqliteContractTest extends StorageContractTck {
 *     protected StorageProvider provider() { return new SqliteStorageProvider(); }
 *     protected Map<String, String> freshOptions() {
 *         return Map.of("path", tempDir().resolve(UUID.randomUUID() + ".db").toString());
 *     }
 * }
 * }</pre>
 * Depend on {@code plinth-provider-tck} at test scope. That one class runs every concern: JUnit 5 discovers
 * the {@link org.junit.jupiter.api.Nested @Nested} inner classes declared in the abstract superclass
 * through the concrete subclass (checked by the TCK's own {@code TckSelfTest}), so there is nothing to
 * list or register. A module may run the TCK several times (one subclass per configuration); the console
 * totals count every run, but surefire names each nested class's report after the nested class
 * ({@code TEST-dev.plinth.tck.StorageContractTck$Values.xml}), so those files hold only the last run.
 *
 * <h2>What runs where</h2>
 * Every test runs on every provider, except the tests of a {@link dev.plinth.spi.storage.Capability}, which
 * are generated (as dynamic tests) only when {@link dev.plinth.spi.storage.StorageProvider#capabilities()}
 * declares it, so a run reports no skipped test: {@code DURABLE} reopens a second engine on the same options after closing the
 * first; {@code SHARED_ACROSS_PROCESSES}, {@code CROSS_PROCESS_LOCKS} and {@code CROSS_PROCESS_EVENTS} open
 * two engines at once on the same options. The TCK drives the provider through runtime-core's
 * {@code StorageEngine}, so it checks the contract plugins see, including the engine's share of it.
 *
 * <h2>Time</h2>
 * No test asserts on speed. Expiry uses TTLs of 150 ms and polls for the outcome with a generous deadline
 * ({@code Await.DEADLINE}); a provider that never reclaims, never delivers or deadlocks fails with a
 * message saying what it was waiting for.
 */
package dev.plinth.tck;
