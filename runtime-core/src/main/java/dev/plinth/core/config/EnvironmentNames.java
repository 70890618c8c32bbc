package dev.plinth.core.config;

import java.util.Locale;
import java.util.Set;

/**
 * How configuration keys are spelled as environment variables.
 *
 * <p>The rule: upper-case the key, replace {@code -} by {@code __} (two underscores), then {@code .} by
 * {@code _}. So {@code plinth.storage.provider} is {@code PLINTH_STORAGE_PROVIDER},
 * {@code plinth.storage.sqlite.busyTimeout} is {@code PLINTH_STORAGE_SQLITE_BUSYTIMEOUT} and
 * {@code plinth.plugins.hello-world.enabled} is {@code PLINTH_PLUGINS_HELLO__WORLD_ENABLED}.
 *
 * <p>Because case is lost, a variable is matched against the keys the runtime knows (fixed keys, the
 * options of every discovered provider, the sections of every present plugin, keys already given by the
 * file or system properties). A plugin option given only through the environment is named by the rest of
 * the variable in lower case with {@code _} read as {@code .}; {@link SectionPluginConfig} also finds it
 * under any name whose environment spelling matches, so {@code getInt("maxItems", 0)} sees
 * {@code PLINTH_PLUGINS_ID_MAXITEMS}. The prefix {@code PLINTH_} is reserved: every variable with it
 * except those in {@link #NOT_CONFIGURATION} ({@code PLINTH_CONFIG}, the file name, and
 * {@code PLINTH_HOME}, used by launch scripts) is configuration, and unknown ones fail startup.
 */
public final class EnvironmentNames {
    /** Environment variables that configure Plinth start with this. */
    public static final String PREFIX = "PLINTH_";
    /** Variables with the prefix that are not configuration keys. */
    public static final Set<String> NOT_CONFIGURATION = Set.of(ConfigKeys.CONFIG_FILE_ENV, "PLINTH_HOME");

    private EnvironmentNames() {}

    /**
     * @param key a configuration key or key fragment
     * @return its environment spelling
     */
    public static String of(String key) {
        return key.toUpperCase(Locale.ROOT).replace("-", "__").replace('.', '_');
    }

    /**
     * The fallback reading of a variable no known key matches.
     *
     * @param variable an environment variable name or fragment
     * @return the key it spells when read literally: lower case, {@code __} as {@code -}, {@code _} as
     *     {@code .}
     */
    public static String toKey(String variable) {
        String lower = variable.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c == '_' && i + 1 < lower.length() && lower.charAt(i + 1) == '_') {
                out.append('-');
                i++;
            } else {
                out.append(c == '_' ? '.' : c);
            }
        }
        return out.toString();
    }
}
