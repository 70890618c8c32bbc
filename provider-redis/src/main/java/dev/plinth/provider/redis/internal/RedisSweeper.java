package dev.plinth.provider.redis.internal;

import static dev.plinth.provider.redis.internal.Codec.bytes;
import static dev.plinth.provider.redis.internal.Codec.str;

import dev.plinth.spi.storage.Namespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The background work, as short tasks on the runtime's scheduler: every {@code sweepInterval} it reclaims
 * expired keys of every scope under the prefix (reporting EXPIRE once, whichever process sweeps: the
 * script's ZREM is atomic with its report), and it unlinks the keys of generations retired by clear, a
 * bounded number of scripts per task so no task holds the scheduler long. Any process sweeps every scope
 * registered in {@code <prefix>#scopes}. A failure is logged once per outage and retried on the next run.
 * Thread-safe; a task that runs during or after close does nothing.
 */
final class RedisSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSweeper.class);
    private static final int SWEEP_BATCH = 256;
    private static final byte[] SWEEP_BATCH_ARG = bytes(Integer.toString(SWEEP_BATCH));
    private static final int SWEEP_PIPELINE = 100;
    /** Sweep scripts a scope gets in one run when it has more expired keys than one batch. */
    private static final int SWEEP_ROUNDS = 16;

    private static final int COLLECT_BUDGET = 500;
    /** Collect scripts per task; a task with more to do schedules the next one. */
    private static final int COLLECT_ROUNDS = 20;

    private final RedisCalls calls;
    private final Scopes scopes;
    private final ScriptCalls scripts;
    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    private final Set<Namespace> collecting = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> sweeping;
    private volatile boolean failing;

    RedisSweeper(
            RedisCalls calls,
            Scopes scopes,
            ScriptCalls scripts,
            ScheduledExecutorService scheduler,
            Duration interval) {
        this.calls = calls;
        this.scopes = scopes;
        this.scripts = scripts;
        this.scheduler = scheduler;
        this.interval = interval;
    }

    void start() {
        long every = Math.max(1L, interval.toMillis());
        sweeping = scheduler.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops the periodic sweep; the scheduler is the runtime's, which shuts it down itself. */
    void stop() {
        ScheduledFuture<?> f = sweeping;
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Reclaims expired keys of every registered scope; never throws. */
    void sweep() {
        if (calls.isClosed()) {
            return;
        }
        try {
            byte[] scopesKey = scopes.layout().scopesKey();
            byte[][] mine = scopes.registered();
            if (mine.length > 0) {
                // Re-registering is idempotent and survives a server restart that lost the set.
                calls.client().sadd(scopesKey, mine);
            }
            List<Namespace> all = new ArrayList<>();
            for (byte[] path : calls.client().smembers(scopesKey)) {
                try {
                    all.add(Namespace.parse(str(path)));
                } catch (RuntimeException e) {
                    LOG.debug("Skipping a foreign member of {}: {}", str(scopesKey), e.toString());
                }
            }
            for (int from = 0; from < all.size() && !calls.isClosed(); from += SWEEP_PIPELINE) {
                sweepPipelined(all.subList(from, Math.min(all.size(), from + SWEEP_PIPELINE)));
            }
            if (failing) {
                failing = false;
                LOG.info("Expiry sweeper reaches Redis at {} again", calls.endpoint());
            }
        } catch (RuntimeException e) {
            if (calls.isClosed()) {
                return;
            }
            if (RedisErrors.isConnectionProblem(e)) {
                calls.clearIdle();
            }
            if (!failing) {
                failing = true;
                LOG.warn(
                        "Expiry sweep against Redis at {} failed; retrying every {}: {}",
                        calls.endpoint(),
                        interval,
                        e.toString());
            }
        }
    }

    /**
     * One pipelined round trip sweeps a batch of scopes; a scope with more to do (a full batch of expired
     * keys, or retired generations to collect) is then swept on its own.
     */
    private void sweepPipelined(List<Namespace> batch) {
        List<ScriptCall<ScriptCalls.Swept>> sent = new ArrayList<>(batch.size());
        List<Response<Object>> replies = new ArrayList<>(batch.size());
        try (AbstractPipeline pipeline = calls.client().pipelined()) {
            for (Namespace ns : batch) {
                ScriptCall<ScriptCalls.Swept> call = scripts.sweep(scopes.of(ns), SWEEP_BATCH_ARG);
                sent.add(call);
                replies.add(pipeline.evalsha(call.script().sha, call.keys(), call.args()));
            }
            pipeline.sync();
        }
        for (int i = 0; i < batch.size(); i++) {
            ScriptCalls.Swept r;
            try {
                r = sent.get(i).decode(replies.get(i).get());
            } catch (JedisNoScriptException e) {
                // The script cache was flushed (restart, failover): the single call reloads it.
                sweep(batch.get(i));
                continue;
            }
            if (r.reclaimed() >= SWEEP_BATCH || r.retiredGenerations() > 0) {
                sweep(batch.get(i));
            }
        }
    }

    private void sweep(Namespace ns) {
        for (int round = 0; round < SWEEP_ROUNDS; round++) {
            ScriptCall<ScriptCalls.Swept> call = scripts.sweep(scopes.of(ns), SWEEP_BATCH_ARG);
            ScriptCalls.Swept r = call.decode(calls.eval(call));
            if (r.retiredGenerations() > 0) {
                collectSoon(ns);
            }
            if (r.reclaimed() < SWEEP_BATCH) {
                return;
            }
        }
    }

    /**
     * Unlinks the keys of the scope's retired generations on the scheduler, soon: one task of at most
     * {@value #COLLECT_ROUNDS} scripts at a time per scope, each scheduling the next while work remains.
     */
    void collectSoon(Namespace ns) {
        if (!collecting.add(ns)) {
            return;
        }
        try {
            scheduler.execute(() -> {
                boolean more = false;
                try {
                    more = collect(ns);
                } catch (RuntimeException e) {
                    // The sweeper retries: the retired generation stays listed in the scope's #gc set.
                    LOG.debug("Collecting cleared keys of {} failed: {}", ns, e.toString());
                } finally {
                    collecting.remove(ns);
                }
                if (more) {
                    collectSoon(ns);
                }
            });
        } catch (RejectedExecutionException e) {
            // The runtime is shutting down: the next process's sweeper collects the retired generation.
            collecting.remove(ns);
        }
    }

    /**
     * Unlinks retired generations of {@code ns} in small scripts so the server never blocks long.
     *
     * @return whether work remains after {@value #COLLECT_ROUNDS} scripts
     */
    private boolean collect(Namespace ns) {
        for (int i = 0; i < COLLECT_ROUNDS; i++) {
            ScriptCall<Boolean> call = scripts.collect(scopes.of(ns), COLLECT_BUDGET);
            if (calls.isClosed() || !call.decode(calls.eval(call))) {
                return false;
            }
        }
        return true;
    }
}
