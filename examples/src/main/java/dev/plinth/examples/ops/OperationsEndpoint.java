package dev.plinth.examples.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.plinth.api.health.HealthStatus;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.health.HealthReport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health}, {@code /health/live}, {@code /health/ready} and {@code /metrics} on 127.0.0.1, with the
 * JDK's HTTP server (no dependency). Health answers 200 when the status (or liveness, readiness) holds and
 * 503 when it does not, with the report as JSON; {@code /metrics} is the Prometheus text exposition of the
 * registry. Only GET and HEAD; anything else is 404 or 405. Bound to the loopback address only: put a
 * proxy in front to expose it. Thread-safe; {@link #close()} stops it.
 */
public final class OperationsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationsEndpoint.class);
    /** The content type of the Prometheus text format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PlinthRuntime runtime;
    private final PrometheusMeterRegistry registry;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private OperationsEndpoint(HttpServer server, PlinthRuntime runtime, PrometheusMeterRegistry registry) {
        this.server = server;
        this.runtime = runtime;
        this.registry = registry;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "plinth-endpoints");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param runtime the runtime whose health is served
     * @param registry the registry whose meters are served
     * @param port the loopback port; 0 picks a free one ({@link #port()} tells which)
     * @return the started endpoint
     * @throws IOException when the port cannot be bound
     * @throws IllegalArgumentException when the port is outside 0..65535
     */
    public static OperationsEndpoint start(PlinthRuntime runtime, PrometheusMeterRegistry registry, int port)
            throws IOException {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(registry, "registry");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        OperationsEndpoint e = new OperationsEndpoint(server, runtime, registry);
        server.setExecutor(e.executor);
        server.createContext("/", e::handle);
        server.start();
        LOG.info("Plinth endpoints on http://127.0.0.1:{} (/health, /health/live, /health/ready, /metrics)", e.port());
        return e;
    }

    /** @return the address it listens on: always a loopback address */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** @return the port it listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                send(x, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
                return;
            }
            switch (x.getRequestURI().getPath()) {
                case "/health" -> health(x, r -> r.status() != HealthStatus.DOWN);
                case "/health/live" -> health(x, HealthReport::live);
                case "/health/ready" -> health(x, HealthReport::ready);
                case "/metrics" -> send(x, 200, PROMETHEUS_TEXT, registry.scrape());
                default -> send(x, 404, "text/plain; charset=utf-8", "not found; try /health or /metrics\n");
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Endpoint request failed", e);
            throw e;
        }
    }

    private void health(HttpExchange x, java.util.function.Predicate<HealthReport> ok) throws IOException {
        HealthReport r = runtime.health();
        send(x, ok.test(r) ? 200 : 503, "application/json", json.writeValueAsString(r) + "\n");
    }

    private static void send(HttpExchange x, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops serving at once. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
