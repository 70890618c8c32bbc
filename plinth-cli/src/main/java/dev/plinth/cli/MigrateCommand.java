package dev.plinth.cli;

import dev.plinth.core.admin.MigrateOptions;
import dev.plinth.core.admin.MigrationReport;
import dev.plinth.core.admin.StorageAdmin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Copies the configured provider's data to another provider, verifies it, and reports per scope. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Copy every scope from the configured provider to another, keeping values and remaining TTLs,"
                    + " then verify each scope (key count and SHA-256 of keys and values).",
            "Safe to rerun after an interruption: the state file records finished scopes and a rerun goes on"
                    + " from there. Refuses a target that holds data unless --allow-non-empty.",
            "Example: plinth migrate --to redis --to-option uri=redis://127.0.0.1:6379"
        })
final class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    PlinthCli root;

    @Option(names = "--to", required = true, paramLabel = "<provider>", description = "the target provider id")
    String to = "";

    @Option(
            names = "--to-option",
            paramLabel = "<name>=<value>",
            description = "an option of the target provider, named as after plinth.storage.<provider>. (repeatable)")
    Map<String, String> toOptions = new LinkedHashMap<>();

    @Option(names = "--scope", paramLabel = "<scope>", description = "copy only this scope (repeatable)")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--batch", paramLabel = "N", description = "keys per read page and target commit (default 1000)")
    int batch = MigrateOptions.DEFAULT_BATCH;

    @Option(
            names = "--state",
            paramLabel = "<file>",
            description = "the resume file (default plinth-migrate.state); deleted once all verified")
    Path state = Path.of("plinth-migrate.state");

    @Option(names = "--allow-non-empty", description = "write into a target that holds data (asks unless --yes)")
    boolean allowNonEmpty;

    @Option(
            names = {"-y", "--yes"},
            description = "do not ask for confirmation")
    boolean yes;

    @Mixin
    ProgressOption progress = new ProgressOption();

    @Override
    public Integer call() {
        PlinthCli r = Cli.root(root);
        if (allowNonEmpty
                && !Confirm.ask(
                        yes,
                        "Migrate into '" + to + "' even if it holds data, replacing keys of the same name?",
                        r.in,
                        r.err)) {
            return ExitCodes.NOT_CONFIRMED;
        }
        MigrateOptions options = new MigrateOptions(batch, allowNonEmpty, state, scopes);
        boolean show = progress.show(r.err);
        try (StorageAdmin source = r.open();
                StorageAdmin target = StorageAdmin.open(to, toOptions, r.loader());
                ProgressLine bar = ProgressLine.of(show, r.err, null)) {
            MigrationReport report = source.migrateTo(target, options, line -> bar.message("plinth: " + line), bar);
            bar.finish();
            for (MigrationReport.ScopeResult s : report.scopes()) {
                r.out.println(s.scope() + "\t" + (s.resumed() ? "earlier" : "copied " + s.copied()) + "\tsource "
                        + s.sourceCount() + "\ttarget " + s.targetCount() + "\t" + (s.verified() ? "ok" : "MISMATCH")
                        + "\t" + s.targetChecksum());
            }
            r.out.println((report.ok() ? "verified" : "NOT VERIFIED") + ": "
                    + report.scopes().size() + " scopes, "
                    + report.copied() + " keys copied from '" + report.source() + "' to '" + report.target() + "' in "
                    + report.millis() + " ms");
            return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
