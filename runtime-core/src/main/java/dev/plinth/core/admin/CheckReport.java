package dev.plinth.core.admin;

import java.util.List;

/**
 * The outcome of {@link StorageAdmin#check()}.
 *
 * @param provider the provider checked
 * @param supported whether the provider has an integrity check at all ({@code false}: nothing was checked)
 * @param problems one line per damage found; empty when none
 */
public record CheckReport(String provider, boolean supported, List<String> problems) {
    /**
     * @param provider the provider checked
     * @param supported whether a check ran
     * @param problems the damage found
     */
    public CheckReport {
        problems = List.copyOf(problems);
    }

    /** @return {@code true} when no damage was found */
    public boolean ok() {
        return problems.isEmpty();
    }
}
