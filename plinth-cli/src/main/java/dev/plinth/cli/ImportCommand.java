package dev.plinth.cli;

import dev.plinth.core.admin.ImportOptions;
import dev.plinth.core.admin.ImportReport;
import dev.plinth.core.admin.OnConflict;
import dev.plinth.core.admin.StorageAdmin;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Reads an export back; keys that expired meanwhile are skipped. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Write the keys of an export file into the configured storage, with their remaining TTLs.",
            "A bad line stops the import with its line number; lines before it are written, none after,"
                    + " unless --keep-going. Keys that expired meanwhile are skipped."
        })
final class ImportCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    PlinthCli root;

    @Parameters(index = "0", paramLabel = "<file>", description = "the export; - reads standard input")
    String file = "";

    @Option(
            names = "--on-conflict",
            paramLabel = "skip|overwrite|fail",
            description = "a key the target already holds: keep it, replace it, or stop (default fail)")
    OnConflict onConflict = OnConflict.FAIL;

    @Option(names = "--keep-going", description = "skip bad lines (reported, exit 1) instead of stopping")
    boolean keepGoing;

    @Option(names = "--batch", paramLabel = "N", description = "lines per commit (default 500)")
    int batch = ImportOptions.DEFAULT_BATCH;

    @Option(
            names = {"-y", "--yes"},
            description = "do not ask before overwriting (--on-conflict overwrite)")
    boolean yes;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() throws IOException {
        PlinthCli r = Cli.root(root);
        ImportOptions options = new ImportOptions(onConflict, keepGoing, batch);
        try (StorageAdmin admin = r.open()) {
            if (onConflict == OnConflict.OVERWRITE
                    && !Confirm.ask(
                            yes,
                            "Import " + file + " into '" + admin.providerId() + "', replacing keys it already holds?",
                            r.in,
                            r.err)) {
                return ExitCodes.NOT_CONFIRMED;
            }
            boolean show = progress.show(r.err);
            ImportReport report;
            if (file.equals("-")) {
                try (ProgressLine bar = ProgressLine.of(show, r.err, null)) {
                    report = admin.importFrom(r.rawIn, options, bar);
                }
            } else {
                Path path = Path.of(file);
                long size = Files.size(path);
                try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(path));
                        InputStream in = new BufferedInputStream(counted, 1 << 16);
                        ProgressLine bar =
                                ProgressLine.of(show, r.err, () -> size == 0 ? 1.0 : (double) counted.count() / size)) {
                    report = admin.importFrom(in, options, bar);
                }
            }
            report.errors().forEach(e -> r.err.println("plinth: skipped " + e));
            r.out.println("imported " + report.imported() + ", skipped " + report.skippedExisting() + " existing and "
                    + report.skippedExpired() + " expired"
                    + (report.errorCount() > 0 ? ", " + report.errorCount() + " bad lines" : ""));
            return report.errorCount() > 0 ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }
}
