package dev.plinth.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.api.health.Health;
import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.metrics.PlinthMetrics;
import dev.plinth.provider.memory.MemoryStorageProvider;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OperationsEndpointTest {
    /** A plugin whose one health check answers what the test says. */
    static final class Shop implements Plugin {
        final AtomicReference<Health> health = new AtomicReference<>(Health.up());
        volatile PluginContext context;

        @Override
        public String id() {
            return "shop";
        }

        @Override
        public void init(PluginContext ctx) {
            context = ctx;
            ctx.registerHealthCheck("payments", health::get);
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)"
            + "(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)\\})?"
            + " (\\S+)(?: -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "summary", "histogram", "untyped");

    /**
     * Parses the Prometheus text exposition (format 0.0.4) strictly: every line a HELP, a TYPE or a sample,
     * every sample of a family whose TYPE came first, every value a number.
     *
     * @return each sample's value by its name and labels, as {@code name{a="1",b="2"}} with labels sorted
     */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        Set<String> typed = new HashSet<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                assertThat(NAME.matcher(line.substring(7).split(" ", 2)[0]).matches())
                        .as(line)
                        .isTrue();
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                assertThat(parts).as(line).hasSize(2);
                assertThat(NAME.matcher(parts[0]).matches()).as(line).isTrue();
                assertThat(TYPES).as(line).contains(parts[1]);
                typed.add(parts[0]);
                continue;
            }
            assertThat(line).as("a comment that is neither HELP nor TYPE").doesNotStartWith("#");
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("not a sample line: %s", line).isTrue();
            String name = m.group(1);
            assertThat(typed)
                    .as("sample %s before its TYPE", name)
                    .anyMatch(f -> name.equals(f)
                            || name.equals(f + "_total")
                            || name.equals(f + "_count")
                            || name.equals(f + "_sum")
                            || name.equals(f + "_bucket")
                            || name.equals(f + "_created"));
            double value =
                    Double.parseDouble(m.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
            java.util.TreeMap<String, String> labels = new java.util.TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            StringBuilder key = new StringBuilder(name);
            if (!labels.isEmpty()) {
                key.append('{');
                labels.forEach((k, v) -> key.append(k).append("=\"").append(v).append("\","));
                key.setLength(key.length() - 1);
                key.append('}');
            }
            assertThat(samples.put(key.toString(), value))
                    .as("duplicate sample %s", key)
                    .isNull();
        }
        return samples;
    }

    private final ObjectMapper json = new ObjectMapper();

    /** One HTTP exchange, as the test needs it. */
    record Response(int statusCode, String contentType, String body) {}

    private static Response request(int port, String method, String path) throws Exception {
        HttpURLConnection c = (HttpURLConnection)
                URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        int code = c.getResponseCode();
        InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Response r = new Response(code, c.getContentType(), body);
        c.disconnect();
        return r;
    }

    private static Response get(int port, String path) throws Exception {
        return request(port, "GET", path);
    }

    @Test
    void healthAnswers200Or503AndMetricsIsAValidPrometheusExposition() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Shop shop = new Shop();
        PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .properties(Map.of("plinth.health.cacheTtl", "0s"))
                        .build())
                .storageProvider(new MemoryStorageProvider())
                .discoverPlugins(false)
                .plugin(shop)
                .observer(PlinthMetrics.observer(registry))
                .build()
                .start();
        PlinthMetrics.bind(registry, rt);
        try (OperationsEndpoint endpoint = OperationsEndpoint.start(rt, registry, 0)) {
            int port = endpoint.port();
            for (int i = 0; i < 3; i++) {
                shop.context.storage().setString("order:" + i, "x");
            }

            Response metrics = get(port, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.contentType()).isEqualTo(OperationsEndpoint.PROMETHEUS_TEXT);
            Map<String, Double> samples = parse(metrics.body());
            assertThat(samples)
                    .containsEntry("plinth_storage_operations_seconds_count{operation=\"set\",plugin=\"shop\"}", 3.0)
                    .containsEntry("plinth_storage_value_written_bytes_total{plugin=\"shop\"}", 3.0)
                    .containsEntry("plinth_health_status", 1.0)
                    .containsEntry("plinth_health_plugin{plugin=\"shop\"}", 1.0)
                    .containsEntry("plinth_storage_locks_held", 0.0)
                    .containsEntry("plinth_storage_watch_subscriptions{plugin=\"shop\"}", 0.0);
            assertThat(samples.keySet()).noneMatch(k -> k.contains("order:"));

            Response up = get(port, "/health");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.contentType()).isEqualTo("application/json");
            JsonNode report = json.readTree(up.body());
            assertThat(report.get("status").asText()).isEqualTo("UP");
            assertThat(report.at("/plugins/shop/state").asText()).isEqualTo("STARTED");
            assertThat(report.at("/plugins/shop/checks/payments/status").asText())
                    .isEqualTo("UP");

            shop.health.set(Health.down("payment gateway refuses connections"));
            Response degraded = get(port, "/health");
            assertThat(degraded.statusCode()).isEqualTo(200);
            JsonNode d = json.readTree(degraded.body());
            assertThat(d.get("status").asText()).isEqualTo("DEGRADED");
            assertThat(d.at("/plugins/shop/checks/payments/reason").asText())
                    .isEqualTo("payment gateway refuses connections");
            assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(parse(get(port, "/metrics").body())).containsEntry("plinth_health_status", 0.5);

            assertThat(get(port, "/nope").statusCode()).isEqualTo(404);
            Response post = request(port, "DELETE", "/health");
            assertThat(post.statusCode()).isEqualTo(405);

            rt.close();
            Response down = get(port, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(json.readTree(down.body()).get("status").asText()).isEqualTo("DOWN");
            assertThat(get(port, "/health/ready").statusCode()).isEqualTo(503);
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(503);
            assertThat(parse(get(port, "/metrics").body())).containsEntry("plinth_health_status", 0.0);
        } finally {
            rt.close();
        }
    }

    @Test
    void itListensOnTheLoopbackAddressOnly() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (PlinthRuntime rt = PlinthRuntime.builder()
                        .storageProvider(new MemoryStorageProvider())
                        .discoverPlugins(false)
                        .build()
                        .start();
                OperationsEndpoint endpoint = OperationsEndpoint.start(rt, registry, 0)) {
            assertThat(endpoint.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(get(endpoint.port(), "/health").statusCode()).isEqualTo(200);
        }
    }
}
