package dev.plinth.cli;

import dev.plinth.api.storage.StorageOpenException;
import dev.plinth.core.admin.CheckReport;
import dev.plinth.core.admin.StorageAdmin;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** Runs the provider's own integrity check. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Check the configured provider's data for damage: SQLite integrity_check and Plinth's tables,"
                    + " jsonfile checksums and manifest, Redis indexes against their keys.",
            "Exits 3 on damage, or when the storage cannot be opened because of it."
        })
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    @Nullable
    PlinthCli root;

    @Override
    public Integer call() {
        PlinthCli r = Cli.root(root);
        CheckReport report;
        try (StorageAdmin admin = r.open()) {
            report = admin.check();
        } catch (StorageOpenException e) {
            if (e.isRetryable()) {
                throw e; // unreachable or busy: says nothing about damage
            }
            r.out.println("damaged: the storage cannot be opened: " + PlinthCli.oneLine(e));
            return ExitCodes.DAMAGED;
        }
        if (!report.supported()) {
            r.out.println("provider " + report.provider() + " has no integrity check; nothing checked");
            return ExitCodes.OK;
        }
        if (report.ok()) {
            r.out.println("ok: provider " + report.provider() + " found no damage");
            return ExitCodes.OK;
        }
        report.problems().forEach(p -> r.out.println("damaged: " + p));
        r.out.println(report.problems().size() + " problem(s) found by provider " + report.provider());
        return ExitCodes.DAMAGED;
    }
}
