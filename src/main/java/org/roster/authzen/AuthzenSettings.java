package org.roster.authzen;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.authzen}: the decision point's own policy, for what Roster does not answer from its
 * lifecycle (a person's access to a target or an entitlement).
 *
 * @param rules in order, the first whose condition holds decides; none: deny
 * @param subjects properties of subjects Roster does not know from HR, by id
 * @param resources properties of resources, by id
 * @param baseUrl the decision point's public base URL, as its metadata names it (by default, the
 *     address the metadata was asked at)
 * @param maxEvaluations the most evaluations one batch request may hold (1 000)
 */
@ConfigurationProperties("roster.authzen")
public record AuthzenSettings(@Nullable List<Rule> rules, @Nullable Map<String, Map<String, Object>> subjects,
                              @Nullable Map<String, Map<String, Object>> resources, @Nullable String baseUrl,
                              @Nullable Integer maxEvaluations) {

    /**
     * One rule.
     *
     * @param when a CEL condition over {@code subject} ({@code type}, {@code id}, {@code properties}),
     *     {@code action} ({@code name}, {@code properties}), {@code resource} and {@code context}
     * @param decision what it decides when it holds (true: permit)
     */
    public record Rule(@Nullable String name, @Nullable String when, @Nullable Boolean decision) {
    }

    public AuthzenSettings {
        rules = rules == null ? List.of() : List.copyOf(rules);
        subjects = subjects == null ? Map.of() : Map.copyOf(subjects);
        resources = resources == null ? Map.of() : Map.copyOf(resources);
        maxEvaluations = maxEvaluations == null ? 1_000 : maxEvaluations;
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r.when() == null || r.when().isBlank()) {
                throw new IllegalArgumentException("roster.authzen.rules[" + i + "].when: is required (a CEL condition)");
            }
            if (r.decision() == null) {
                throw new IllegalArgumentException("roster.authzen.rules[" + i + "].decision: is required (true or false)");
            }
        }
    }
}
