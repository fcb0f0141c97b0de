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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roster.policy.internal.CompiledRule;
import org.roster.policy.internal.CompiledRule.CompiledGrant;
import org.springframework.stereotype.Service;

/**
 * Evaluates the birthright rules. All rules are compiled when the engine is built: a rule that does
 * not compile stops start-up with its name, its expression and the compiler's message. CEL is
 * sandboxed and side-effect free, so evaluation does no I/O.
 */
@Service
public final class PolicyEngine {

    private static final Cel CONDITIONS = builder().setResultType(SimpleType.BOOL).build();
    private static final Cel EXPRESSIONS = builder().build();

    private final List<CompiledRule> rules;
    private final Set<String> targets;
    private final String version;
    private final PolicySettings.LeaveOfAbsence leaveOfAbsence;

    public PolicyEngine(PolicySettings settings) {
        List<CompiledRule> compiled = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> referenced = new HashSet<>();
        for (PolicySettings.Rule rule : settings.rules()) {
            if (rule.name() == null || rule.name().isBlank()) {
                throw new PolicyException("policy rule #" + (compiled.size() + 1) + ": name is required");
            }
            if (!names.add(rule.name())) {
                throw new PolicyException("policy rule '" + rule.name() + "': the name is used twice");
            }
            if (rule.when() == null || rule.when().isBlank()) {
                throw new PolicyException("policy rule '" + rule.name() + "': when is required");
            }
            List<CompiledGrant> grants = new ArrayList<>();
            for (PolicySettings.Grant g : rule.grants()) {
                if (g.target() == null || g.target().isBlank()) {
                    throw new PolicyException("policy rule '" + rule.name() + "': every grant needs a target");
                }
                if (g.entitlement() != null && g.expression() != null) {
                    throw new PolicyException("policy rule '" + rule.name()
                        + "': a grant has either entitlement or expression, not both");
                }
                referenced.add(g.target());
                grants.add(new CompiledGrant(g.target(), g.entitlement(),
                    g.expression() == null ? null : compile(EXPRESSIONS, rule.name(), g.expression()), g.expression()));
            }
            compiled.add(new CompiledRule(rule.name(), compile(CONDITIONS, rule.name(), rule.when()), grants));
        }
        this.rules = List.copyOf(compiled);
        this.targets = Set.copyOf(referenced);
        this.version = fingerprint(settings);
        this.leaveOfAbsence = settings.leaveOfAbsence();
    }

    /** Whether a leave of absence suspends access (accounts disabled, entitlements kept). */
    public boolean suspendsOnLeave() {
        return leaveOfAbsence == PolicySettings.LeaveOfAbsence.SUSPEND;
    }

    /** A short fingerprint of the rules; every decision records it. */
    public String version() {
        return version;
    }

    /** The targets any rule grants on; the planner checks each one is configured. */
    public Set<String> referencedTargets() {
        return targets;
    }

    /**
     * What the rules grant a worker with these attributes in this lifecycle state.
     *
     * @throws PolicyException naming the rule if an expression fails at run time
     */
    public PolicyDecision evaluate(Map<String, Object> worker, String state) {
        Map<String, Object> vars = Map.of("worker", worker, "state", state);
        List<Grant> grants = new ArrayList<>();
        for (CompiledRule rule : rules) {
            Object matched = run(rule.name(), rule.condition(), vars);
            if (!(matched instanceof Boolean)) {
                throw new PolicyException("policy rule '" + rule.name() + "': the condition must be boolean, got "
                    + matched);
            }
            if (!(Boolean) matched) {
                continue;
            }
            for (CompiledGrant g : rule.grants()) {
                if (g.expression() == null) {
                    grants.add(new Grant(g.target(), g.entitlement(), rule.name()));
                    continue;
                }
                for (String e : entitlements(rule.name(), g.source(), run(rule.name(), g.expression(), vars))) {
                    grants.add(new Grant(g.target(), e, rule.name()));
                }
            }
        }
        return new PolicyDecision(version, grants);
    }

    private static List<String> entitlements(String rule, String source, Object value) {
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
            return program.eval(vars);
        } catch (CelEvaluationException e) {
            throw new PolicyException("policy rule '" + rule + "' failed: " + e.getMessage(), e);
        }
    }

    private static CelRuntime.Program compile(Cel cel, String rule, String expression) {
        try {
            CelAbstractSyntaxTree ast = cel.compile(expression).getAst();
            return cel.createProgram(ast);
        } catch (CelValidationException e) {
            throw new PolicyException("policy rule '" + rule + "': expression '" + expression
                + "' does not compile: " + e.getMessage(), e);
        } catch (CelEvaluationException e) {
            throw new PolicyException("policy rule '" + rule + "': expression '" + expression
                + "' cannot be planned: " + e.getMessage(), e);
        }
    }

    private static dev.cel.bundle.CelBuilder builder() {
        return CelFactory.standardCelBuilder()
            .addVar("worker", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("state", SimpleType.STRING)
            .addCompilerLibraries(CelExtensions.strings())
            .addRuntimeLibraries(CelExtensions.strings());
    }

    private static String fingerprint(PolicySettings settings) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(settings.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
