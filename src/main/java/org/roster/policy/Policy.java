package org.roster.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.roster.policy.PolicySettings.CatalogueEntry;
import org.roster.policy.PolicySettings.LeaveMode;
import org.roster.policy.internal.CompiledRule;
import org.roster.policy.internal.WorkerReads;
import org.roster.policy.internal.CompiledRule.CompiledGrant;

/**
 * A compiled, validated, immutable policy. Everything that can be checked is checked when it is
 * compiled: a rule that does not compile, is not boolean or names an unknown variable, a literal
 * entitlement missing from its target's catalogue, a bundle that includes itself, a separation
 * naming an unknown entitlement. The message names the origin (file), the rule and the reason.
 * Evaluation is CEL: sandboxed, side-effect free, no I/O.
 */
public final class Policy {

    private static final Cel CONDITIONS = builder().setResultType(SimpleType.BOOL).build();
    private static final Cel EXPRESSIONS = builder().build();

    /** The worker fields the rules read, or null when a rule reads the worker as a whole (no memo then). */
    private final @Nullable List<String> reads;
    /**
     * Decisions by state and the values of the fields the rules read: a decision depends on nothing
     * else, so a population evaluates once per distinct combination (a first import of a million
     * workers in a few hundred departments and titles runs the rules a few thousand times).
     */
    private final Map<List<@Nullable Object>, PolicyDecision> decisions = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MEMO = 10_000;
    private final String origin;
    private final String version;
    private final PolicySettings settings;
    private final Map<String, CompiledRule> rules;
    private final Map<String, String> ruleSources;
    private final Map<String, Map<String, CatalogueEntry>> catalogue;
    private final List<Set<String>> separations;
    private final List<String> separationNames;
    private final Set<String> keepOnLeave;

    private Policy(String origin, PolicySettings settings, Map<String, CompiledRule> rules,
                   Map<String, String> ruleSources, Map<String, Map<String, CatalogueEntry>> catalogue,
                   @Nullable List<String> reads) {
        this.reads = reads;
        this.origin = origin;
        this.settings = settings;
        this.rules = rules;
        this.ruleSources = ruleSources;
        this.catalogue = catalogue;
        this.separations = settings.segregationOfDuties().stream().map(s -> Set.copyOf(s.entitlements())).toList();
        this.separationNames = settings.segregationOfDuties().stream().map(PolicySettings.Separation::name).toList();
        this.keepOnLeave = Set.copyOf(settings.leaveOfAbsenceKeep());
        this.version = fingerprint(ruleSources, catalogue, settings);
    }

    /**
     * Compiles and validates a policy.
     *
     * @param origin where it came from, for messages: {@code roster.yml} or the policy file's path
     * @throws PolicyException naming the origin, the rule or entry, and the reason
     */
    public static Policy compile(PolicySettings settings, String origin) {
        Map<String, Map<String, CatalogueEntry>> catalogue = new TreeMap<>();
        settings.catalogue().forEach((target, entries) -> {
            Map<String, CatalogueEntry> byName = new LinkedHashMap<>();
            for (CatalogueEntry e : entries) {
                if (e.name() == null || e.name().isBlank()) {
                    throw new PolicyException(origin + ": catalogue of '" + target + "': every entry needs a name");
                }
                if (byName.put(e.name(), e) != null) {
                    throw new PolicyException(origin + ": catalogue of '" + target + "': '" + e.name() + "' is listed twice");
                }
            }
            catalogue.put(target, byName);
        });
        catalogue.forEach((target, entries) -> entries.values().forEach(e -> {
            for (String included : e.includes()) {
                if (!entries.containsKey(included)) {
                    throw new PolicyException(origin + ": catalogue of '" + target + "': '" + e.name()
                        + "' includes '" + included + "', which the catalogue does not list");
                }
            }
            cycle(target, e.name(), entries, new ArrayList<>(), origin);
        }));

        Map<String, CompiledRule> compiled = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        Set<@Nullable String> reads = new java.util.HashSet<>();
        for (PolicySettings.Rule rule : settings.rules()) {
            String where = origin + ": rule '" + rule.name() + "'";
            if (rule.name() == null || rule.name().isBlank()) {
                throw new PolicyException(origin + ": rule #" + (compiled.size() + 1) + ": name is required");
            }
            if (compiled.containsKey(rule.name())) {
                throw new PolicyException(where + ": the name is used twice");
            }
            if (rule.when() == null || rule.when().isBlank()) {
                throw new PolicyException(where + ": when is required");
            }
            List<CompiledGrant> grants = new ArrayList<>();
            for (PolicySettings.Grant g : rule.grants()) {
                if (g.target() == null || g.target().isBlank()) {
                    throw new PolicyException(where + ": every grant needs a target");
                }
                if (g.entitlement() != null && g.expression() != null) {
                    throw new PolicyException(where + ": a grant has either entitlement or expression, not both");
                }
                if (g.entitlement() != null && catalogue.containsKey(g.target())
                    && find(catalogue.get(g.target()), g.entitlement()).isEmpty()) {
                    throw new PolicyException(where + ": entitlement '" + g.entitlement() + "' is not in the catalogue of '"
                        + g.target() + "'");
                }
                grants.add(new CompiledGrant(g.target(), g.entitlement(),
                    g.expression() == null ? null : compile(EXPRESSIONS, where, g.expression(), reads), g.expression()));
            }
            compiled.put(rule.name(), new CompiledRule(rule.name(), compile(CONDITIONS, where, rule.when(), reads), grants));
            sources.put(rule.name(), rule.toString());
        }

        for (PolicySettings.Separation s : settings.segregationOfDuties()) {
            String where = origin + ": segregation-of-duties '" + s.name() + "'";
            if (s.name() == null || s.name().isBlank()) {
                throw new PolicyException(origin + ": every segregation-of-duties entry needs a name");
            }
            if (s.entitlements().size() < 2) {
                throw new PolicyException(where + ": needs at least two entitlements");
            }
            s.entitlements().forEach(te -> checkReference(where, te, catalogue));
        }
        settings.leaveOfAbsenceKeep().forEach(te -> checkReference(origin + ": leave-of-absence-keep", te, catalogue));
        if (settings.privilegedReviewDeadline().isNegative() || settings.privilegedReviewDeadline().isZero()) {
            throw new PolicyException(origin + ": privileged-review-deadline must be positive");
        }
        return new Policy(origin, settings, java.util.Collections.unmodifiableMap(compiled), sources, catalogue,
            reads.contains(null) ? null : List.copyOf(new java.util.TreeSet<>(reads)));
    }

    /** Where the policy came from. */
    public String origin() {
        return origin;
    }

    /** A short fingerprint of the policy; every decision records it. */
    public String version() {
        return version;
    }

    public PolicySettings settings() {
        return settings;
    }

    public Set<String> ruleNames() {
        return ruleSources.keySet();
    }

    /** Every target the policy names: in rules, catalogue and separations. */
    public Set<String> referencedTargets() {
        Set<String> targets = new TreeSet<>(catalogue.keySet());
        rules.values().forEach(r -> r.grants().forEach(g -> targets.add(g.target())));
        separations.forEach(s -> s.forEach(te -> targets.add(target(te))));
        keepOnLeave.forEach(te -> targets.add(target(te)));
        return targets;
    }

    /**
     * What the rules grant a worker with these attributes in this lifecycle state, bundles expanded.
     *
     * @throws PolicyException naming the rule if an expression fails at run time
     */
    public PolicyDecision evaluate(Map<String, Object> worker, String state) {
        if (reads == null) {
            return evaluate(worker, state, rules.keySet());
        }
        List<@Nullable Object> key = new ArrayList<>(reads.size() + 1);
        key.add(state);
        for (String field : reads) {
            key.add(worker.get(field));
        }
        PolicyDecision known = decisions.get(key);
        if (known != null) {
            return known;
        }
        PolicyDecision decided = evaluate(worker, state, rules.keySet());
        if (decisions.size() >= MEMO) {
            decisions.clear(); // a population with more combinations than this gains little from the memo
        }
        decisions.put(key, decided);
        return decided;
    }

    /** The worker fields the rules read; empty when they read the worker as a whole. */
    public List<String> reads() {
        return reads == null ? List.of() : reads;
    }

    /** Whether any of these rules' conditions holds for the worker: who a change to them affects. */
    public boolean anyMatches(Collection<String> ruleNames, Map<String, Object> worker, String state) {
        Map<String, Object> vars = Map.of("worker", worker, "state", state);
        for (String name : ruleNames) {
            CompiledRule rule = rules.get(name);
            if (rule != null && matches(rule, vars)) {
                return true;
            }
        }
        return false;
    }

    private PolicyDecision evaluate(Map<String, Object> worker, String state, Collection<String> names) {
        Map<String, Object> vars = Map.of("worker", worker, "state", state);
        List<Grant> grants = new ArrayList<>();
        for (String name : names) {
            CompiledRule rule = rules.get(name);
            if (!matches(rule, vars)) {
                continue;
            }
            for (CompiledGrant g : rule.grants()) {
                if (g.expression() == null) {
                    grants.add(new Grant(g.target(), g.entitlement(), rule.name()));
                    if (g.entitlement() != null) {
                        expand(g.target(), g.entitlement(), rule.name(), grants);
                    }
                    continue;
                }
                for (String computed : entitlements(rule.name(), g.source(), run(rule.name(), g.expression(), vars))) {
                    String e = org.roster.policy.internal.EntitlementNames.normalise(computed, rule.name(),
                        java.util.Objects.requireNonNullElse(g.source(), ""), worker);
                    if (e.isEmpty()) {
                        continue;
                    }
                    grants.add(new Grant(g.target(), e, rule.name()));
                    expand(g.target(), e, rule.name(), grants);
                }
            }
        }
        return new PolicyDecision(version, grants);
    }

    /** The rules that differ between this policy and another: added, removed or changed. */
    public Set<String> changedRules(Policy other) {
        Set<String> changed = new TreeSet<>();
        ruleSources.forEach((name, source) -> {
            if (!source.equals(other.ruleSources.get(name))) {
                changed.add(name);
            }
        });
        other.ruleSources.keySet().stream().filter(n -> !ruleSources.containsKey(n)).forEach(changed::add);
        return changed;
    }

    /**
     * Whether this policy and another differ in more than their rules (catalogue, separations, leave
     * rules): then any identity's desired access may differ, not only that of those a changed rule matches.
     */
    public boolean differsBeyondRules(Policy other) {
        PolicySettings a = settings;
        PolicySettings b = other.settings;
        return !a.catalogue().equals(b.catalogue()) || !a.segregationOfDuties().equals(b.segregationOfDuties())
            || a.leaveOfAbsence() != b.leaveOfAbsence()
            || !a.leaveOfAbsenceByWorkerType().equals(b.leaveOfAbsenceByWorkerType())
            || !a.leaveOfAbsenceKeep().equals(b.leaveOfAbsenceKeep());
    }

    /** The catalogue entry describing an entitlement of a target, if the target has a catalogue that lists it. */
    public Optional<CatalogueEntry> entitlement(String target, String name) {
        Map<String, CatalogueEntry> entries = catalogue.get(target);
        return entries == null ? Optional.empty() : find(entries, name);
    }

    /** Whether the target keeps a catalogue (then exceptions and grants must name entitlements it lists). */
    public boolean hasCatalogue(String target) {
        return catalogue.containsKey(target);
    }

    public boolean privileged(String target, String entitlement) {
        return entitlement(target, entitlement).map(CatalogueEntry::privileged).orElse(false);
    }

    public boolean followsPerson(String target, String entitlement) {
        return entitlement(target, entitlement).map(e -> e.follows() == PolicySettings.Follows.PERSON).orElse(false);
    }

    public @Nullable String owner(String target, String entitlement) {
        return entitlement(target, entitlement).map(CatalogueEntry::owner).orElse(null);
    }

    /** Who decides for the entitlement while its owner does not work here, if the catalogue names someone. */
    public @Nullable String fallbackOwner(String target, String entitlement) {
        return entitlement(target, entitlement).map(CatalogueEntry::fallbackOwner).orElse(null);
    }

    /** Whether the manager of the person the access is for may decide it. */
    public boolean managerDecides(String target, String entitlement) {
        return entitlement(target, entitlement).map(e -> e.decidedBy().contains(PolicySettings.Decider.MANAGER))
            .orElse(false);
    }

    /**
     * The separations a set of held entitlements breaks.
     *
     * @param held {@code target:entitlement}
     * @return per broken separation, its name and the entitlements of it that are held
     */
    public Map<String, Set<String>> conflicts(Collection<String> held) {
        Map<String, Set<String>> broken = new LinkedHashMap<>();
        for (int i = 0; i < separations.size(); i++) {
            Set<String> both = new TreeSet<>(separations.get(i));
            both.retainAll(Set.copyOf(held));
            if (both.size() >= 2) {
                broken.put(separationNames.get(i), both);
            }
        }
        return broken;
    }

    public LeaveMode leaveMode(@Nullable String workerType) {
        return workerType == null ? settings.leaveOfAbsence()
            : settings.leaveOfAbsenceByWorkerType().getOrDefault(workerType, settings.leaveOfAbsence());
    }

    public boolean keptOnLeave(String target, String entitlement) {
        return keepOnLeave.contains(target + ":" + entitlement);
    }

    public Duration privilegedReviewDeadline() {
        return settings.privilegedReviewDeadline();
    }

    private void expand(String target, String entitlement, String rule, List<Grant> grants) {
        Map<String, CatalogueEntry> entries = catalogue.get(target);
        if (entries == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(find(entries, entitlement).map(CatalogueEntry::includes).orElse(List.of()));
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (seen.add(next)) {
                grants.add(new Grant(target, next, rule + " (in " + entitlement + ")"));
                todo.addAll(entries.get(next).includes());
            }
        }
    }

    private static boolean matches(CompiledRule rule, Map<String, Object> vars) {
        Object matched = run(rule.name(), rule.condition(), vars);
        if (!(matched instanceof Boolean b)) {
            throw new PolicyException("policy rule '" + rule.name() + "': the condition must be boolean, got " + matched);
        }
        return b;
    }

    private static Optional<CatalogueEntry> find(Map<String, CatalogueEntry> entries, String name) {
        CatalogueEntry exact = entries.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        return entries.values().stream()
            .filter(e -> e.name().endsWith("*") && name.startsWith(e.name().substring(0, e.name().length() - 1)))
            .findFirst();
    }

    private static void cycle(String target, String name, Map<String, CatalogueEntry> entries, List<String> path,
                              String origin) {
        if (path.contains(name)) {
            path.add(name);
            throw new PolicyException(origin + ": catalogue of '" + target + "': bundles include each other: "
                + String.join(" -> ", path));
        }
        path.add(name);
        for (String included : entries.get(name).includes()) {
            cycle(target, included, entries, path, origin);
        }
        path.remove(path.size() - 1);
    }

    private static void checkReference(String where, String te, Map<String, Map<String, CatalogueEntry>> catalogue) {
        int colon = te.indexOf(':');
        if (colon <= 0 || colon == te.length() - 1) {
            throw new PolicyException(where + ": '" + te + "' is not target:entitlement");
        }
        Map<String, CatalogueEntry> entries = catalogue.get(te.substring(0, colon));
        if (entries != null && find(entries, te.substring(colon + 1)).isEmpty()) {
            throw new PolicyException(where + ": entitlement '" + te.substring(colon + 1)
                + "' is not in the catalogue of '" + te.substring(0, colon) + "'");
        }
    }

    private static String target(String te) {
        return te.substring(0, Math.max(0, te.indexOf(':')));
    }

    private static List<String> entitlements(String rule, @Nullable String source, Object value) {
        if (value instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s);
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new PolicyException("policy rule '" + rule + "': expression '" + source
                        + "' must return a string or a list of strings, got a list holding " + o);
                }
                if (!s.isBlank()) {
                    out.add(s);
                }
            }
            return out;
        }
        throw new PolicyException("policy rule '" + rule + "': expression '" + source
            + "' must return a string or a list of strings, got " + value);
    }

    private static Object run(String rule, CelRuntime.Program program, Map<String, Object> vars) {
        try {
            return org.roster.policy.internal.CelBudget.eval(program, vars);
        } catch (CelEvaluationException e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof org.roster.policy.internal.CelBudget.Exceeded)) {
                cause = cause.getCause();
            }
            throw new PolicyException("policy rule '" + rule + "' failed: "
                + (cause != null ? "it " + cause.getMessage() + " (the evaluation budget)" : e.getMessage()), e);
        } catch (org.roster.policy.internal.CelBudget.Exceeded e) {
            throw new PolicyException("policy rule '" + rule + "' failed: it " + e.getMessage() + " (the evaluation budget)", e);
        }
    }

    private static CelRuntime.Program compile(Cel cel, String where, String expression) {
        return compile(cel, where, expression, null);
    }

    /**
     * @param reads gathers the worker fields the expression reads; a {@code null} element added to
     *     it says the expression reads {@code worker} other than field by field
     */
    private static CelRuntime.Program compile(Cel cel, String where, String expression, @Nullable Set<@Nullable String> reads) {
        try {
            CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
            if (reads != null) {
                reads.addAll(WorkerReads.of(ast));
            }
            return cel.createProgram(ast);
        } catch (CelValidationException e) {
            throw new PolicyException(where + ": expression '" + expression + "' does not compile: " + e.getMessage(), e);
        } catch (CelEvaluationException e) {
            throw new PolicyException(where + ": expression '" + expression + "' cannot be planned: " + e.getMessage(), e);
        }
    }

    private static dev.cel.bundle.CelBuilder builder() {
        return CelFactory.standardCelBuilder()
            .setOptions(org.roster.policy.internal.CelBudget.OPTIONS)
            .addVar("worker", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("state", SimpleType.STRING)
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings());
    }

    /** Over a canonical rendering (sorted maps), so the same policy has the same version on every start. */
    private static String fingerprint(Map<String, String> rules, Map<String, Map<String, CatalogueEntry>> catalogue,
                                      PolicySettings s) {
        StringBuilder canonical = new StringBuilder();
        rules.values().forEach(r -> canonical.append(r).append('\n'));
        catalogue.forEach((t, entries) -> entries.values().forEach(e -> canonical.append(t).append(e.canonical()).append('\n')));
        canonical.append(s.segregationOfDuties()).append(s.leaveOfAbsence())
            .append(new TreeMap<>(s.leaveOfAbsenceByWorkerType())).append(s.leaveOfAbsenceKeep())
            .append(s.privilegedReviewDeadline());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
