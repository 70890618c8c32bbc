package dev.plinth.api.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.spi.storage.Namespace;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginIdsTest {

    @Test
    void acceptsTheGrammar() {
        assertThat(PluginIds.validate("notes")).isEqualTo("notes");
        assertThat(PluginIds.validate("a.b-c_d9")).isEqualTo("a.b-c_d9");
        assertThat(PluginIds.isValid("x".repeat(64))).isTrue();
    }

    @Test
    void rejectsWithAClearMessage() {
        assertThatThrownBy(() -> PluginIds.validate("Notes"))
                .isInstanceOf(InvalidPluginIdException.class)
                .hasMessageContaining("'Notes'")
                .hasMessageContaining("'N' (U+004E) at index 0");
        assertThatThrownBy(() -> PluginIds.validate("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> PluginIds.validate("a:b")).isInstanceOf(InvalidPluginIdException.class);
        assertThatThrownBy(() -> PluginIds.validate("x".repeat(65))).hasMessageContaining("65 characters");
        assertThatThrownBy(() -> PluginIds.validate("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> PluginIds.validate(null)).hasMessageContaining("null");
    }

    @Test
    void stateMachineAllowsExactlyTheDocumentedTable() {
        Set<String> allowed = Set.of(
                "CREATED>INITIALIZED",
                "CREATED>FAILED",
                "CREATED>STOPPED",
                "INITIALIZED>STARTED",
                "INITIALIZED>FAILED",
                "INITIALIZED>STOPPED",
                "STARTED>STOPPED",
                "FAILED>STOPPED");
        for (PluginState from : EnumSet.allOf(PluginState.class)) {
            for (PluginState to : EnumSet.allOf(PluginState.class)) {
                assertThat(from.canMoveTo(to)).as(from + ">" + to).isEqualTo(allowed.contains(from + ">" + to));
            }
        }
    }

    @Test
    void namespacesAreBuiltFromValidSegmentsOnly() {
        Namespace ns = Namespace.of("notes").child("archive");
        assertThat(ns.path()).isEqualTo("notes/archive");
        assertThat(ns.depth()).isEqualTo(2);
        assertThat(ns.pluginId()).isEqualTo("notes");
        assertThat(Namespace.parse("notes/archive")).isEqualTo(ns);
        assertThat(Namespace.of("a")).isNotEqualTo(Namespace.of("a-b"));
        assertThatThrownBy(() -> Namespace.of("notes").child("x/y")).isInstanceOf(InvalidPluginIdException.class);
        assertThat(Namespace.of("notes").child("..").path()).isEqualTo("notes/..");
    }
}
