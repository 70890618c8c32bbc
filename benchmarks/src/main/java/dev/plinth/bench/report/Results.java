package dev.plinth.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The scores of one or more JMH JSON result files ({@code -rf json}), looked up by benchmark, thread count
 * and parameters.
 */
final class Results {
    /** One JMH score: mean ops/s and its 99.9% confidence half-width. */
    record Score(double score, double error, String unit) {}

    private final Map<String, Score> scores = new HashMap<>();
    private String jvm = "unknown";
    private String jmhVersion = "unknown";
    private String jvmArgs = "";

    /**
     * @param file a JMH JSON result file; a missing file (a run that produced nothing) is skipped
     * @throws IOException when the file cannot be read or is not JMH JSON
     */
    void load(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return;
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        for (JsonNode run : root) {
            String benchmark = shortName(run.path("benchmark").asText());
            int threads = run.path("threads").asInt();
            Map<String, String> params = new TreeMap<>();
            for (Map.Entry<String, JsonNode> p : run.path("params").properties()) {
                params.put(p.getKey(), p.getValue().asText());
            }
            JsonNode primary = run.path("primaryMetric");
            double error = primary.path("scoreError").asDouble(Double.NaN);
            scores.put(
                    key(benchmark, threads, params),
                    new Score(
                            primary.path("score").asDouble(),
                            error,
                            primary.path("scoreUnit").asText()));
            jvm = run.path("vmName").asText() + " " + run.path("vmVersion").asText() + " (JDK "
                    + run.path("jdkVersion").asText() + ")";
            jmhVersion = run.path("jmhVersion").asText();
            StringBuilder args = new StringBuilder();
            for (JsonNode a : run.path("jvmArgs")) {
                args.append(args.length() == 0 ? "" : " ").append(a.asText());
            }
            jvmArgs = args.toString();
        }
    }

    /**
     * @param benchmark {@code Class.method}, for example {@code MemoryBench.plinthGet}
     * @param threads the thread count
     * @param params parameter values; empty for unparameterised benchmarks
     * @return the score, or empty when that run is not in the results
     */
    Optional<Score> find(String benchmark, int threads, Map<String, String> params) {
        return Optional.ofNullable(scores.get(key(benchmark, threads, new TreeMap<>(params))));
    }

    boolean isEmpty() {
        return scores.isEmpty();
    }

    int size() {
        return scores.size();
    }

    String jvm() {
        return jvm;
    }

    String jmhVersion() {
        return jmhVersion;
    }

    String jvmArgs() {
        return jvmArgs;
    }

    private static String key(String benchmark, int threads, Map<String, String> params) {
        return benchmark + "|" + threads + "|" + params;
    }

    private static String shortName(String fqn) {
        String[] parts = fqn.split("\\.", -1);
        return parts.length < 2 ? fqn : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }
}
