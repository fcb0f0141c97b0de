package org.roster.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code roster preview FILE}: what a proposed policy (a {@code .yml}/{@code .yaml} policy file) or
 * proposed HR changes (a JSON file of events, as the webhook takes them) would do, per identity and
 * target, with the reason for each operation. Nothing changes.
 */
@Command(name = "preview", mixinStandardHelpOptions = true,
    description = "Show what a policy file or HR changes would do, without doing it.")
final class PreviewCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Parameters(index = "0", paramLabel = "FILE", description = "a policy file (.yml, .yaml) or HR changes (.json)")
    Path file;

    @picocli.CommandLine.Mixin
    RosterAddress address = new RosterAddress();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        String token = RosterApi.token("preview", err);
        if (token == null) {
            return 2;
        }
        if (!Files.isReadable(file)) {
            err.println("roster preview: cannot read " + file);
            return 2;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yml") || name.endsWith(".yaml")) {
            body.put("policy", Files.readString(file));
        } else {
            JsonNode events = ImportCommand.parse(Files.readString(file));
            if (events == null) {
                err.println("roster preview: " + file + " is neither a policy (.yml) nor JSON HR changes");
                return 2;
            }
            if (events.isObject() && events.has("events")) {
                events = events.get("events");
            } else if (events.isObject()) {
                ArrayNode one = JsonNodeFactory.instance.arrayNode();
                one.add(events);
                events = one;
            }
            body.set("events", events);
        }
        JsonNode result = RosterApi.postJson("preview", address.base(), token, "/api/v1/preview",
            JSON.writeValueAsString(body), err);
        if (result == null) {
            return 1;
        }
        print(result, out);
        return 0;
    }

    static void print(JsonNode result, PrintWriter out) {
        JsonNode plans = result.path("plans");
        out.printf(Locale.ROOT, "%d identit%s affected, %d with changes%n", result.path("affected").asLong(),
            result.path("affected").asLong() == 1 ? "y" : "ies", plans.size());
        for (JsonNode planned : plans) {
            JsonNode plan = planned.path("plan");
            Set<String> held = new HashSet<>();
            planned.path("held").forEach(h -> held.add(h.toString()));
            out.println(plan.path("identity").asString() + " (policy " + plan.path("policyVersion").asString() + ")");
            for (JsonNode op : plan.path("operations")) {
                String entitlement = op.path("entitlement").isString() ? " " + op.path("entitlement").asString() : "";
                out.println("  " + op.path("kind").asString() + " " + op.path("target").asString() + entitlement
                    + (held.contains(op.toString()) ? "  [held]" : "") + "  -- " + op.path("reason").asString());
            }
        }
        for (JsonNode refused : result.path("refused")) {
            out.println("refused #" + refused.path("index").asInt() + " " + refused.path("employeeNumber").asString("")
                + ": " + refused.path("error").asString());
        }
    }
}
