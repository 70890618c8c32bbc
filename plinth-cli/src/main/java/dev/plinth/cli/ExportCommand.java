package dev.plinth.cli;

import dev.plinth.core.admin.ExportReport;
import dev.plinth.core.admin.StorageAdmin;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Streams every (or the named) scope to the versioned JSON Lines export format. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write every key (or the named scopes' keys) in the JSON Lines export format (docs/cli.md).",
            "Streams: memory stays flat whatever the size. Example: plinth export > backup.jsonl"
        })
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    PlinthCli root;

    @Option(names = "--scope", paramLabel = "<scope>", description = "export this scope (repeatable; default all)")
    List<String> scopes = new ArrayList<>();

    @Option(
            names = {"-o", "--output"},
            paramLabel = "<file>",
            description = "write here instead of standard output")
    @Nullable
    Path output;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() throws IOException {
        PlinthCli r = Cli.root(root);
        try (StorageAdmin admin = r.open();
                ProgressLine bar = ProgressLine.of(progress.show(r.err), r.err, null)) {
            ExportReport report;
            if (output != null) {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
                    report = admin.exportTo(out, scopes, bar);
                }
            } else {
                OutputStream out = new BufferedOutputStream(r.out, 1 << 16);
                report = admin.exportTo(out, scopes, bar);
                out.flush();
            }
            bar.finish();
            r.err.println("plinth: exported " + report.entries() + " keys of " + report.scopes() + " scopes from '"
                    + admin.providerId() + "'");
        }
        return ExitCodes.OK;
    }
}
