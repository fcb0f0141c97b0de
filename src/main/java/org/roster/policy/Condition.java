package org.roster.policy;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;

/**
 * A boolean CEL condition outside the policy's rules (a certification campaign's scope), over the
 * worker's attributes ({@code worker}), the lifecycle state ({@code state}) and one access it is
 * asked about ({@code access}: {@code target}, {@code entitlement}, {@code privileged}, {@code source},
 * {@code owner}). Checked when compiled, evaluated within the policy's CEL budget.
 */
public final class Condition {

    private static final Cel CEL = CelFactory.standardCelBuilder()
        .setOptions(org.roster.policy.internal.CelBudget.OPTIONS)
        .setResultType(SimpleType.BOOL)
        .addVar("worker", MapType.create(SimpleType.STRING, SimpleType.DYN))
        .addVar("state", SimpleType.STRING)
        .addVar("access", MapType.create(SimpleType.STRING, SimpleType.DYN))
        .addCompilerLibraries(CelExtensions.strings())
        .addRuntimeLibraries(CelExtensions.strings())
        .build();

    /** One CEL environment per set of variables (each a map from string to anything). */
    private static final Map<java.util.List<String>, Cel> BY_VARIABLES = new java.util.concurrent.ConcurrentHashMap<>();

    private final String source;
    private final CelRuntime.Program program;

    private Condition(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /**
     * @param where what to name in an error ({@code scope})
     * @throws PolicyException naming {@code where} when it does not compile or is not boolean
     */
    public static Condition compile(String where, String expression) {
        try {
            return new Condition(expression, CEL.createProgram(CEL.compile(expression).getAst()));
        } catch (CelValidationException e) {
            throw new PolicyException(where + ": '" + expression + "' does not compile: " + e.getMessage(), e);
        } catch (CelEvaluationException e) {
            throw new PolicyException(where + ": '" + expression + "' cannot be planned: " + e.getMessage(), e);
        }
    }

    /**
     * A condition over other variables, each a map from string to anything (an AuthZEN rule's
     * {@code subject}, {@code action}, {@code resource}, {@code context}).
     *
     * @throws PolicyException naming {@code where} when it does not compile or is not boolean
     */
    public static Condition over(String where, String expression, java.util.List<String> variables) {
        Cel cel = BY_VARIABLES.computeIfAbsent(java.util.List.copyOf(variables), vars -> {
            var builder = CelFactory.standardCelBuilder()
                .setOptions(org.roster.policy.internal.CelBudget.OPTIONS)
                .setResultType(SimpleType.BOOL)
                .addCompilerLibraries(CelExtensions.strings())
                .addRuntimeLibraries(CelExtensions.strings());
            vars.forEach(v -> builder.addVar(v, MapType.create(SimpleType.STRING, SimpleType.DYN)));
            return builder.build();
        });
        try {
            return new Condition(expression, cel.createProgram(cel.compile(expression).getAst()));
        } catch (CelValidationException e) {
            throw new PolicyException(where + ": '" + expression + "' does not compile: " + e.getMessage(), e);
        } catch (CelEvaluationException e) {
            throw new PolicyException(where + ": '" + expression + "' cannot be planned: " + e.getMessage(), e);
        }
    }

    /** Whether a condition made by {@link #over} holds; false when it cannot be evaluated. */
    public boolean test(Map<String, Object> variables) {
        try {
            return Boolean.TRUE.equals(org.roster.policy.internal.CelBudget.eval(program, variables));
        } catch (CelEvaluationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether it holds. A missing attribute or a failed evaluation is false: a condition that cannot
     * be evaluated for someone does not bring them in.
     */
    public boolean test(Map<String, Object> worker, String state, Map<String, Object> access) {
        return test(Map.of("worker", worker, "state", state, "access", access));
    }

    @Override
    public String toString() {
        return source;
    }
}
