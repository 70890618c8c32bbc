package dev.plinth.core.lifecycle;

import org.slf4j.MDC;

/** Puts the plugin id in the MDC for the duration of a lifecycle call, restoring what was there. */
public final class PluginMdc {
    /** The MDC key carrying the plugin id during lifecycle calls. */
    public static final String KEY = "plinth.plugin";

    private PluginMdc() {}

    /**
     * @param pluginId the plugin being called
     * @param call the call
     */
    public static void run(String pluginId, Runnable call) {
        String previous = MDC.get(KEY);
        MDC.put(KEY, pluginId);
        try {
            call.run();
        } finally {
            if (previous == null) {
                MDC.remove(KEY);
            } else {
                MDC.put(KEY, previous);
            }
        }
    }
}
