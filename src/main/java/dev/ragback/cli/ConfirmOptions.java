package dev.ragback.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * The options of a command that changes something: {@code --yes}, and where the command has them
 * {@code --dry-run} and {@code --break-lock}. A command mixes in the classes with the options it takes,
 * then asks them {@link DryRun#proceed(String)} (or {@link Yes#confirm(String)}) before changing
 * anything. The wording of an option's help may differ per command: ConfirmOptions.properties, keyed
 * by the command's qualified name (e.g. {@code ragback.snapshot.restore.dry-run}).
 */
public final class ConfirmOptions {
    private ConfirmOptions() {
    }

    /** {@code --yes}: asks on a terminal, refuses (exit 2) without one. */
    @Command(resourceBundle = "dev.ragback.cli.ConfirmOptions")
    public static final class Yes {
        private final Session session;

        @Option(names = "--yes", descriptionKey = "yes",
                description = "Do not ask for confirmation (required without a terminal).")
        boolean yes;

        public Yes(Session session) {
            this.session = session;
        }

        public boolean yes() {
            return yes;
        }

        /** Goes on with --yes or a "y" on the terminal; anything else ends the command, nothing changed. */
        public void confirm(String question) {
            session.confirm(yes, question);
        }

        /** Refuses up front (exit 2) when a later confirmation could not be asked: no --yes and no terminal. */
        public void requireYesOrTerminal() {
            session.requireYesOrTerminal(yes);
        }
    }

    /** {@code --dry-run} and {@code --yes}. */
    @Command(resourceBundle = "dev.ragback.cli.ConfirmOptions")
    public static final class DryRun {
        @Option(names = "--dry-run", descriptionKey = "dry-run", description = "Print what would happen; change nothing.")
        boolean dryRun;

        @Mixin
        Yes confirmation;

        public boolean dryRun() {
            return dryRun;
        }

        public boolean yes() {
            return confirmation.yes();
        }

        /** False on a dry run; otherwise true once confirmed (a refusal ends the command, nothing changed). */
        public boolean proceed(String question) {
            if (dryRun) {
                return false;
            }
            confirmation.confirm(question);
            return true;
        }

        /**
         * Says what the command is about to do, {@code Plan: what} or {@code Plan (dry run): what} (on stderr under
         * --json, where stdout is the document), and returns that stream for the plan's details.
         */
        public PrintWriter printPlan(String what) {
            PrintWriter text = confirmation.session.json() ? confirmation.session.err() : confirmation.session.out();
            text.println("Plan" + (dryRun ? " (dry run)" : "") + ": " + what);
            return text;
        }

        /** {@link #printPlan}, then {@link #proceed} asking {@code ragback: what?}. */
        public boolean proceedWithPlan(String what) {
            printPlan(what);
            return proceed("ragback: " + what + "?");
        }

        /** As {@link Yes#confirm(String)}, for a question asked later (not on a dry run). */
        public void confirm(String question) {
            confirmation.confirm(question);
        }

        /** As {@link Yes#requireYesOrTerminal()}, except on a dry run, which asks nothing. */
        public void requireYesOrTerminal() {
            if (!dryRun) {
                confirmation.requireYesOrTerminal();
            }
        }
    }

    /** {@code --break-lock}, for the commands that take the run lease. */
    @Command(resourceBundle = "dev.ragback.cli.ConfirmOptions")
    public static final class BreakLock {
        @Option(names = "--break-lock", descriptionKey = "break-lock",
                description = "Take over a run lease left by a ragback process that is gone.")
        boolean breakLock;

        public boolean breakLock() {
            return breakLock;
        }
    }
}
