package dev.plinth.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Asks before a command changes more than one key. With {@code --yes} it does not ask; without a terminal to
 * answer on (standard input is not interactive and gives no line) the answer is no, so a script that forgot
 * {@code --yes} changes nothing.
 */
final class Confirm {
    private Confirm() {}

    static boolean ask(boolean yes, String question, BufferedReader in, PrintStream err) {
        if (yes) {
            return true;
        }
        err.print(question + " [y/N] ");
        err.flush();
        String answer;
        try {
            answer = in.readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null) {
            err.println();
            err.println("plinth: not confirmed (no answer on standard input); pass --yes to run without asking");
            return false;
        }
        String a = answer.trim().toLowerCase(Locale.ROOT);
        boolean ok = a.equals("y") || a.equals("yes");
        if (!ok) {
            err.println("plinth: not confirmed; nothing changed");
        }
        return ok;
    }
}
