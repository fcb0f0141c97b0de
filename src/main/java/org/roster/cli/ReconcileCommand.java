package org.roster.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code roster reconcile TARGET}: starts a reconciliation through a running Roster, shows its
 * progress until it ends, then prints its findings.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
    description = "Reconcile a target: every account read back and compared with desired state; in mend mode, "
        + "drift is planned away through the safety guard.")
final class ReconcileCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(index = "0", paramLabel = "TARGET", description = "the target, as in roster.provisioning.targets")
    String target;

    @Option(names = "--mode", description = "report or mend (default: the target's roster.reconcile mode)")
    @Nullable String mode;

    @picocli.CommandLine.Mixin
    RosterAddress address = new RosterAddress();

    @Option(names = "--poll", description = "seconds between progress lines (default 2)")
    double poll = 2;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String token = RosterApi.token("reconcile", err);
        if (token == null) {
            return 2;
        }
        String base = address.base();
        Map<String, String> request = mode == null ? Map.of("target", target) : Map.of("target", target, "mode", mode);
        JsonNode run = RosterApi.postJson("reconcile", base, token, "/api/v1/reconciliations",
            JSON.writeValueAsString(request), err);
        if (run == null) {
            return 1;
        }
        String id = run.path("id").asString();
        out.printf("%s: run %s (%s) started%n", target, id, run.path("mode").asString().toLowerCase(Locale.ROOT));
        out.flush();
        long started = System.nanoTime();
        while ("RUNNING".equals(run.path("status").asString())) {
            Thread.sleep((long) (poll * 1000));
            run = RosterApi.getJson("reconcile", base, token, "/api/v1/reconciliations/" + id, err);
            if (run == null) {
                return 1;
            }
            if ("RUNNING".equals(run.path("status").asString())) {
                out.printf(Locale.ROOT, "  %.0f s: %d account(s) read, %d finding(s)%n", (System.nanoTime() - started) / 1e9,
                    run.path("accounts").asLong(), run.path("findings").asLong());
                out.flush();
            }
        }
        out.printf(Locale.ROOT, "%s: %d account(s) read in %.1f s, %d finding(s)%s%n", target,
            run.path("accounts").asLong(), (System.nanoTime() - started) / 1e9, run.path("findings").asLong(),
            "MEND".equals(run.path("mode").asString()) ? ", " + run.path("mended").asLong() + " mended" : "");
        run.path("counts").properties().forEach(e -> out.printf("  %-34s %d%n", e.getKey(), e.getValue().asLong()));
        String after = "";
        while (after != null) {
            JsonNode page = RosterApi.getJson("reconcile", base, token, "/api/v1/reconciliations/" + id
                + "/findings?size=500" + (after.isEmpty() ? "" : "&after=" + after), err);
            if (page == null) {
                return 1;
            }
            page.path("items").forEach(f -> out.println("  " + f.path("status").asString() + " " + f.path("kind").asString()
                + " " + f.path("identity").asString("-") + ": " + f.path("detail").asString()
                + (f.path("note").isString() ? " [" + f.path("note").asString() + "]" : "")));
            after = page.path("next").isString() ? page.path("next").asString() : null;
        }
        if ("FAILED".equals(run.path("status").asString())) {
            err.println("stopped: " + run.path("error").asString());
            return 1;
        }
        return 0;
    }
}
