package dev.plinth.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.api.plugin.PluginState;
import org.junit.jupiter.api.Test;

class PluginStateHolderTest {

    @Test
    void followsTheHappyPath() {
        PluginStateHolder h = new PluginStateHolder("p");
        assertThat(h.get()).isEqualTo(PluginState.CREATED);
        h.moveTo(PluginState.INITIALIZED);
        h.moveTo(PluginState.STARTED);
        h.moveTo(PluginState.STOPPED);
        assertThat(h.get()).isEqualTo(PluginState.STOPPED);
    }

    @Test
    void everyTransitionOutsideTheTableThrowsAndLeavesTheStateAlone() {
        for (PluginState from : PluginState.values()) {
            for (PluginState to : PluginState.values()) {
                PluginStateHolder h = reach(from);
                if (from.canMoveTo(to)) {
                    h.moveTo(to);
                    assertThat(h.get()).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> h.moveTo(to))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessage("Plugin 'p' cannot move from " + from + " to " + to);
                    assertThat(h.get()).isEqualTo(from);
                }
            }
        }
    }

    @Test
    void stoppedIsFinalAndStartedCannotGoBack() {
        PluginStateHolder h = reach(PluginState.STARTED);
        assertThatThrownBy(() -> h.moveTo(PluginState.INITIALIZED)).isInstanceOf(IllegalStateException.class);
        h.moveTo(PluginState.STOPPED);
        assertThatThrownBy(() -> h.moveTo(PluginState.STARTED)).isInstanceOf(IllegalStateException.class);
    }

    private static PluginStateHolder reach(PluginState target) {
        PluginStateHolder h = new PluginStateHolder("p");
        switch (target) {
            case CREATED:
                break;
            case INITIALIZED:
                h.moveTo(PluginState.INITIALIZED);
                break;
            case STARTED:
                h.moveTo(PluginState.INITIALIZED);
                h.moveTo(PluginState.STARTED);
                break;
            case FAILED:
                h.moveTo(PluginState.FAILED);
                break;
            case STOPPED:
                h.moveTo(PluginState.STOPPED);
                break;
            default:
                throw new AssertionError(target);
        }
        return h;
    }
}
