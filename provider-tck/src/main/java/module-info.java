/**
 * The provider TCK: the storage contract as JUnit 5 tests. A provider's test suite extends
 * {@code dev.plinth.tck.StorageContractTck}.
 */
module dev.plinth.tck {
    requires transitive dev.plinth.core;
    requires transitive org.junit.jupiter.api;
    requires org.junit.jupiter.params;
    requires org.assertj.core;

    exports dev.plinth.tck;

    // JUnit instantiates the nested contract classes reflectively.
    opens dev.plinth.tck to
            org.junit.platform.commons;
}
