package org.roster.cli;

import java.io.PrintStream;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar roster.jar COMMAND}: the command line, a thin client of a running Roster's API.
 * Without a command (or with {@code serve}) the jar starts the server instead.
 */
@Command(name = "roster", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = "Roster: HR-driven identity lifecycle.%nWithout a command, starts the server.",
    subcommands = {ImportCommand.class, PreviewCommand.class, AuditCommand.class, ReconcileCommand.class,
        ReportCommand.class})
public final class Cli implements Runnable {

    /** The commands this class runs; anything else starts the server. */
    private static final Set<String> COMMANDS = Set.of("import", "preview", "audit", "reconcile", "report", "help", "--help", "-h", "--version", "-V");

    public static boolean handles(String[] args) {
        return args.length > 0 && COMMANDS.contains(args[0]);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Cli());
        // Plain text: the output goes to scripts and logs as often as to a terminal.
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        if (args.length > 0 && args[0].equals("help")) {
            cli.usage(out, CommandLine.Help.Ansi.OFF);
            return 0;
        }
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"roster " + (v == null ? "(development)" : v)};
        }
    }
}
