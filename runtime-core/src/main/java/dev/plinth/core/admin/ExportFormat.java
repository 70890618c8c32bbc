package dev.plinth.core.admin;

/**
 * The export file format, version {@value #VERSION}: JSON Lines (UTF-8, one JSON object per line, {@code \n}
 * line ends), written and read as a stream, so an export of any size takes constant memory.
 *
 * <pre>
 * {"format":"plinth-export","version":1,"provider":"sqlite","exportedAt":"2026-12-02T04:40:00.123Z"}
 * {"scope":"notes","key":"note:1","encoding":"utf8","value":"{\"text\":\"hi\"}","version":12,"expiresAt":0}
 * {"scope":"notes/archive","key":"blob","encoding":"base64","value":"AAEC/w==","version":13,"expiresAt":1796179200000}
 * {"end":true,"entries":2}
 * </pre>
 * <ul>
 *   <li>Line 1, the header: {@code format} is always {@value #FORMAT}; {@code version} this format's
 *       version (a reader refuses a version it does not know); {@code provider} the id of the storage provider
 *       exported from; {@code exportedAt} the time the export started (ISO-8601, UTC).</li>
 *   <li>One line per live key: {@code scope} the namespace path ({@code plugin/child}), {@code key},
 *       {@code encoding} {@code utf8} when the value bytes are valid UTF-8 (then {@code value} is that text)
 *       or {@code base64} (then {@code value} is the bytes in standard base64 with padding), {@code version}
 *       the key's version in the source (informational: an import gets new versions from the target), and
 *       {@code expiresAt} the absolute expiry in epoch milliseconds, {@code 0} for never. Keys come scope by
 *       scope, in UTF-8 byte order within a scope.</li>
 *   <li>The last line, the trailer: {@code end} true and {@code entries} the number of key lines. A file
 *       without it was cut short.</li>
 * </ul>
 * An importer ignores fields it does not know, so later versions may add fields without a version change.
 */
public final class ExportFormat {
    /** The value of the header's {@code format} field. */
    public static final String FORMAT = "plinth-export";

    /** The format version this runtime writes and the only one it reads. */
    public static final int VERSION = 1;

    /** The {@code encoding} of a value that is valid UTF-8 text. */
    public static final String UTF8 = "utf8";

    /** The {@code encoding} of any other value. */
    public static final String BASE64 = "base64";

    private ExportFormat() {}
}
