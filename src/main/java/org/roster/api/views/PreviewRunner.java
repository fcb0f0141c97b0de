package org.roster.api.views;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.hr.WebhookEvents;
import org.roster.plan.Plan;
import org.roster.plan.PolicyChanges;
import org.roster.plan.Preview;
import org.roster.policy.Policy;
import org.roster.policy.PolicyEngine;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/preview}: what proposed HR changes ({@code events}, as the webhook takes them)
 * or a proposed policy ({@code policy}, YAML text) would do, per identity and target, with the
 * reason for each operation. Nothing is stored or sent.
 */
/**
 * What-if, with no side effects: proposed HR changes run through the real pipeline in a transaction
 * that is always rolled back, or a proposed policy's plans. For the REST API and the console.
 */
@org.springframework.stereotype.Component
public class PreviewRunner {

    /** A preview request Roster cannot run: the field and why. */
    public static final class PreviewRefused extends RuntimeException {
        private final String field;

        PreviewRefused(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private static final int MAX_PLANS = 1000;

    private final Preview preview;
    private final WebhookEvents events;
    private final PolicyChanges policy;

    PreviewRunner(Preview preview, WebhookEvents events, PolicyChanges policy) {
        this.preview = preview;
        this.events = events;
        this.policy = policy;
    }

    /** An HR change that could not be applied, and why. */
    public record Refused(int index, @Nullable String employeeNumber, String error) {
    }

    /**
     * @param affected identities the change would plan again (a policy preview), or events applied
     * @param plans per identity, the plan (at most 1 000); {@code held} lists what the safety guard or
     *     a segregation-of-duties rule would hold
     */
    public record Result(String kind, long affected, List<Preview.Planned> plans, List<Refused> refused, boolean complete) {
    }

    /** How long a policy preview may run; past it, it answers with what it has and {@code complete: false}. */
    static final java.time.Duration BUDGET = java.time.Duration.ofSeconds(30);

    /**
     * Runs a preview.
     *
     * @throws PreviewRefused naming the field, when the request is not a preview Roster can run
     */
    public Result run(JsonNode body) {
        if (body.hasNonNull("policy")) {
            if (!body.get("policy").isString()) {
                throw new PreviewRefused("policy", "must be the policy file's YAML, as a string");
            }
            Policy proposed = PolicyEngine.parse(body.get("policy").asString(), "proposed policy");
            org.roster.plan.PolicyChanges.PreviewOutcome outcome = policy.preview(proposed, MAX_PLANS, BUDGET);
            return new Result("policy", outcome.affected(), outcome.plans().stream()
                .map(p -> new Preview.Planned(p, List.of())).toList(), List.of(), outcome.complete());
        }
        JsonNode list = body.path("events");
        if (!list.isArray() || list.isEmpty()) {
            throw new PreviewRefused("events", "give a non-empty array of HR changes, or policy");
        }
        List<JsonNode> changes = new ArrayList<>();
        list.forEach(changes::add);
        List<Refused> refused = new ArrayList<>();
        List<Preview.Planned> plans = preview.capture(() -> {
            List<@Nullable String> errors = events.applyForPreview(changes, "preview");
            for (int i = 0; i < errors.size(); i++) {
                if (errors.get(i) != null) {
                    refused.add(new Refused(i, changes.get(i).path("employeeNumber").asString(null), errors.get(i)));
                }
            }
        });
        return new Result("events", changes.size() - refused.size(),
            plans.size() > MAX_PLANS ? plans.subList(0, MAX_PLANS) : plans, refused, true);
    }
}
