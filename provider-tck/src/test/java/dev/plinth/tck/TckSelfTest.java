package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.StorageProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Checks the TCK itself: that providers get every concern, and that it catches the classic storage bugs. */
class TckSelfTest {

    @Test
    @DisplayName("JUnit discovers every @Nested concern of the abstract StorageContractTck through a concrete subclass")
    void nestedClassesDiscoveredThroughSubclass() {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(ReferenceMemoryContractTest.class))
                .build();
        TestPlan plan = LauncherFactory.create().discover(request);
        List<Class<?>> concerns = Arrays.stream(StorageContractTck.class.getDeclaredClasses())
                .filter(c -> c.isAnnotationPresent(Nested.class))
                .toList();
        assertThat(concerns).hasSize(19);
        List<String> ids = new ArrayList<>();
        plan.getRoots().forEach(root -> plan.getDescendants(root).forEach(d -> ids.add(d.getUniqueId())));
        for (Class<?> concern : concerns) {
            String marker = "[nested-class:" + concern.getSimpleName() + "]";
            assertThat(ids)
                    .as(concern.getSimpleName())
                    .anyMatch(id -> id.contains("[class:" + ReferenceMemoryContractTest.class.getName() + "]")
                            && id.contains(marker)
                            && (id.contains("[method:")
                                    || id.contains("[test-template:")
                                    || id.contains("[test-factory:")));
        }
    }

    /** The reference provider with one deliberate bug, chosen by the running self-test. */
    static class FlawedContract extends StorageContractTck {
        static volatile ReferenceMemoryProvider.Flaw flaw;

        @Override
        protected StorageProvider provider() {
            return new ReferenceMemoryProvider();
        }

        @Override
        protected Map<String, String> freshOptions() {
            return Map.of(
                    ReferenceMemoryProvider.DATASET.name(),
                    "flawed-" + UUID.randomUUID(),
                    ReferenceMemoryProvider.FLAWS.name(),
                    flaw.name());
        }
    }

    static Stream<Arguments> flaws() {
        return Stream.of(
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.EXPIRED_LISTED,
                        StorageContractTck.Expiry.class,
                        "expiredInvisibleToListing"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.QUOTA_COUNTS_EXPIRED,
                        StorageContractTck.Quotas.class,
                        "expiredKeysDoNotCount"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.PREFIX_SCOPE,
                        StorageContractTck.NamespaceIsolation.class,
                        "listingIsScoped"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.PREFIX_SCOPE,
                        StorageContractTck.NestedNamespaces.class,
                        "isolated"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.CLEAR_BY_PREFIX,
                        StorageContractTck.NamespaceIsolation.class,
                        "clearIsScoped"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.CLEAR_BY_PREFIX,
                        StorageContractTck.NestedNamespaces.class,
                        "clearAcrossLevels"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.VERSION_PER_KEY,
                        StorageContractTck.VersionsAndCas.class,
                        "deleteAndRecreate"),
                Arguments.of(ReferenceMemoryProvider.Flaw.LOCK_LEAK, StorageContractTck.Locks.class, "registryShrinks"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.EVENT_ON_FAILED_CAS,
                        StorageContractTck.Watch.class,
                        "failedWritesNotifyNobody"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.SQL_LIKE_PATTERNS,
                        StorageContractTck.PatternsAndListing.class,
                        "backendMetacharactersLiteral"),
                Arguments.of(
                        ReferenceMemoryProvider.Flaw.SQL_LIKE_PATTERNS,
                        StorageContractTck.NamespaceIsolation.class,
                        "randomisedIsolation"));
    }

    @ParameterizedTest(name = "{0} fails {1}.{2}")
    @MethodSource("flaws")
    @DisplayName("The TCK catches each classic storage bug from lessons-from-peers.md")
    void flawIsCaught(ReferenceMemoryProvider.Flaw flaw, Class<?> concern, String test) {
        FlawedContract.flaw = flaw;
        List<String> failed = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        Launcher launcher = LauncherFactory.create();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectNestedMethod(List.of(FlawedContract.class), concern, test))
                .build();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? passed : failed)
                            .add(id.getUniqueId());
                }
            }
        });
        assertThat(passed.size() + failed.size())
                .as("tests run: %s.%s", concern.getSimpleName(), test)
                .isEqualTo(1);
        assertThat(failed)
                .as("failed tests with flaw " + flaw)
                .anyMatch(id ->
                        id.contains(":" + test + "(") && id.contains("[nested-class:" + concern.getSimpleName() + "]"));
    }
}
