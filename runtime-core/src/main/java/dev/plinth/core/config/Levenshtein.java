package dev.plinth.core.config;

import java.util.Collection;
import java.util.Optional;

/** Edit distance, to suggest the key a typo meant. */
public final class Levenshtein {
    private Levenshtein() {}

    /**
     * @param a one string
     * @param b another
     * @return the number of single-character insertions, deletions and substitutions turning a into b
     */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The nearest candidate, if it is close enough to be a plausible typo: at most a third of the
     * input's length away (2 edits are always tolerated).
     *
     * @param input what was typed
     * @param candidates the known spellings
     * @return the nearest plausible candidate; ties go to the alphabetically first
     */
    public static Optional<String> nearest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates.stream().sorted().toList()) {
            int d = distance(input, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int tolerated = Math.max(2, input.length() / 3);
        return best != null && bestDistance <= tolerated ? Optional.of(best) : Optional.empty();
    }
}
