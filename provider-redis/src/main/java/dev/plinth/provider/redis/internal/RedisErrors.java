package dev.plinth.provider.redis.internal;

import dev.plinth.api.ConfigurationException;
import dev.plinth.api.PlinthException;
import dev.plinth.api.storage.BackendUnavailableException;
import dev.plinth.api.storage.StorageException;
import dev.plinth.provider.redis.RedisAuthenticationException;
import dev.plinth.provider.redis.RedisOutOfMemoryException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/** Turns Jedis failures into Plinth's typed exceptions, naming the server and never the password. */
final class RedisErrors {
    private RedisErrors() {}

    /**
     * @param e the failure
     * @param endpoint the server description ({@link RedisSettings#endpoint()})
     * @param what the operation, for the message
     * @return the exception to throw
     */
    static PlinthException translate(RuntimeException e, String endpoint, String what) {
        if (e instanceof PlinthException) {
            return (PlinthException) e;
        }
        String reply = serverReply(e);
        if (reply != null) {
            if (reply.startsWith("WRONGPASS")
                    || reply.startsWith("NOAUTH")
                    || reply.startsWith("NOPERM")
                    || reply.startsWith("ERR AUTH")
                    || reply.startsWith("ERR invalid password")
                    || reply.contains("invalid username-password")) {
                return new RedisAuthenticationException(
                        "Redis at " + endpoint + " refused " + what + ": " + firstWord(reply)
                                + " (check plinth.storage.redis.username and password)",
                        e);
            }
            if (reply.contains("DB index is out of range") || reply.contains("invalid DB index")) {
                return new ConfigurationException(
                        "plinth.storage.redis.database",
                        "Redis at " + endpoint + " has no such database (plinth.storage.redis.database): " + reply,
                        e);
            }
            // Redis 7 refuses a writing script up front ("OOM ..."); Redis 6 fails its first write inside the
            // script ("ERR Error running script ... -OOM command not allowed ...").
            if (reply.startsWith("OOM") || reply.contains("OOM command not allowed")) {
                return new RedisOutOfMemoryException(
                        "Redis at " + endpoint + " is out of memory (maxmemory reached" + " with noeviction); " + what
                                + " was not applied: " + reply,
                        e);
            }
            if (reply.startsWith("LOADING")
                    || reply.startsWith("BUSY")
                    || reply.startsWith("MASTERDOWN")
                    || reply.startsWith("CLUSTERDOWN")
                    || reply.startsWith("TRYAGAIN")
                    || reply.startsWith("READONLY")) {
                return new BackendUnavailableException(
                        "Redis at " + endpoint + " cannot serve " + what + " now: " + reply, e);
            }
        }
        if (isConnectionProblem(e)) {
            return new BackendUnavailableException(
                    "Redis at " + endpoint + " is unavailable (" + what + "): " + describe(e), e);
        }
        if (e instanceof JedisException) {
            return new StorageException("Redis at " + endpoint + " failed " + what + ": " + describe(e), e);
        }
        return new StorageException("Redis " + what + " failed at " + endpoint + ": " + describe(e), e);
    }

    static boolean isConnectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException
                    || t instanceof JedisClusterOperationException
                    || t instanceof java.io.IOException) {
                return true;
            }
            String m = t.getMessage();
            if (t instanceof JedisException && m != null && m.contains("Could not get a resource from the pool")) {
                return true;
            }
        }
        return false;
    }

    /** @return whether {@code e} comes from the calling thread's interrupt (a wait for the pool cut short) */
    static boolean isInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * @return whether {@code e} says the server had closed the connection (end of stream, reset, broken
     *     pipe): what a pooled connection from before a server restart meets on its next use. Not a timeout,
     *     a refused connection or a wait for the pool, none of which a second try right away would cure.
     */
    static boolean isClosedConnection(Throwable e) {
        boolean closed = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.ConnectException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof InterruptedException) {
                return false;
            }
            String m = t.getMessage();
            if (m != null && m.contains("Could not get a resource from the pool")) {
                return false;
            }
            if ((t instanceof JedisConnectionException && m != null && m.contains("Unexpected end of stream"))
                    || t instanceof java.net.SocketException) {
                closed = true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return closed;
    }

    /** The first error reply from the server found in the cause chain (a Jedis data exception message). */
    private static String serverReply(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof redis.clients.jedis.exceptions.JedisDataException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return null;
    }

    private static String firstWord(String reply) {
        int sp = reply.indexOf(' ');
        return sp < 0 ? reply : reply.substring(0, sp);
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 300; t = t.getCause()) {
            if (b.length() > 0) {
                b.append(" <- ");
            }
            b.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                b.append(": ").append(t.getMessage());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return b.toString();
    }
}
