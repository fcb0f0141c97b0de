package org.roster.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roster report}: the compliance evidence report of a period from a running Roster, as a
 * self-contained HTML page or JSON, written to a file or to standard output.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Compliance evidence report for a period (NIST CSF 2.0 PR.AA, NIST SP 800-207, OWASP NHI3).")
final class ReportCommand implements Callable<Integer> {

    @Option(names = "--from", description = "start, inclusive: 2026-11-01 or 2026-11-01T00:00:00Z (default: 30 days before --to)")
    @Nullable String from;

    @Option(names = "--to", description = "end, exclusive (default: now)")
    @Nullable String to;

    @Option(names = "--format", description = "html (default) or json")
    String format = "html";

    @Option(names = {"-o", "--out"}, description = "write the report to this file instead of standard output")
    @Nullable Path out;

    @picocli.CommandLine.Mixin
    RosterAddress address = new RosterAddress();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String token = RosterApi.token("report", err);
        if (token == null) {
            return 2;
        }
        StringBuilder path = new StringBuilder("/api/v1/reports/compliance?format=").append(encode(format));
        if (from != null) {
            path.append("&from=").append(encode(from));
        }
        if (to != null) {
            path.append("&to=").append(encode(to));
        }
        String body = RosterApi.send("report", address.base(), token, "GET", path.toString(), null, err);
        if (body == null) {
            return 1;
        }
        if (out == null) {
            stdout.print(body);
            stdout.flush();
        } else {
            Files.writeString(out, body, StandardCharsets.UTF_8);
            err.println("roster report: written to " + out);
        }
        return 0;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
