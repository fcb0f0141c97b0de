package org.roster.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code roster reconcile TARGET}: reads a target back through a running Roster and prints its drift. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
    description = "Reconcile a target (report mode): every account read back and compared with desired state.")
final class ReconcileCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(index = "0", paramLabel = "TARGET", description = "the target, as in roster.provisioning.targets")
    String target;

    @Option(names = "--url", description = "Roster's address (default: $ROSTER_URL or http://localhost:8080)")
    @Nullable String url;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String token = RosterApi.token();
        if (token == null) {
            err.println("roster reconcile: set ROSTER_TOKEN to an API token");
            return 2;
        }
        long started = System.nanoTime();
        JsonNode run = RosterApi.postJson("reconcile", RosterApi.base(url), token, "/api/v1/reconciliations",
            JSON.writeValueAsString(Map.of("target", target)), err);
        if (run == null) {
            return 1;
        }
        Map<String, Integer> byKind = new TreeMap<>();
        run.path("findings").forEach(f -> byKind.merge(f.path("kind").asString(), 1, Integer::sum));
        out.printf(java.util.Locale.ROOT, "%s: %d account(s) read in %.1f s, %d finding(s)%n", target,
            run.path("accounts").asLong(), (System.nanoTime() - started) / 1e9, run.path("findings").size());
        byKind.forEach((kind, n) -> out.printf("  %-22s %d%n", kind, n));
        run.path("findings").forEach(f -> out.println("  " + f.path("kind").asString() + " "
            + f.path("identity").asString("-") + ": " + f.path("detail").asString()));
        if (!run.path("error").isNull() && !run.path("error").isMissingNode()) {
            err.println("stopped: " + run.path("error").asString());
            return 1;
        }
        return 0;
    }
}
