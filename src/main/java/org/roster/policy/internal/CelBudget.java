package org.roster.policy.internal;

import dev.cel.common.CelOptions;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import java.util.Collection;
import java.util.Map;

/**
 * What one policy expression may cost. CEL is sandboxed (no I/O, no unbounded loops) but not
 * bounded in the memory its values take: {@code 'x'.replace('x', 'xxxxxxxxxx')} nested eight times
 * builds a 10^8-character string. Expressions are limited in size and nesting when compiled, loops
 * in iterations, and each evaluation in steps and in the size of every value it makes: the first
 * intermediate value past a limit ends the evaluation (the value that crossed it is at most one
 * step's growth past the limit), with {@link Exceeded}.
 */
public final class CelBudget implements CelEvaluationListener {

    /** Expression nodes one evaluation may visit. */
    public static final int MAX_STEPS = 10_000;
    /** Characters in any string an evaluation makes (an entitlement name is far shorter). */
    public static final int MAX_STRING = 4_096;
    /** Elements in any list or map an evaluation makes. */
    public static final int MAX_ELEMENTS = 1_000;

    /** Compile-time limits: expression size, parse depth and node count, loop iterations, regular expressions. */
    public static final CelOptions OPTIONS = CelOptions.current()
        .maxExpressionCodePointSize(4_096)
        .maxParseRecursionDepth(64)
        .maxParseExpressionNodeCount(1_000)
        .comprehensionMaxIterations(MAX_ELEMENTS)
        .maxRegexProgramSize(1_000)
        .build();

    /** An evaluation went past its budget. */
    public static final class Exceeded extends RuntimeException {
        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    private int steps;

    private CelBudget() {
    }

    /** Evaluates a program within the budget. */
    public static Object eval(CelRuntime.Program program, Map<String, ?> vars) throws CelEvaluationException {
        return program.trace(vars, new CelBudget());
    }

    @Override
    public void callback(CelExpr expr, Object value) {
        if (++steps > MAX_STEPS) {
            throw new Exceeded("took more than " + MAX_STEPS + " evaluation steps");
        }
        if (value instanceof CharSequence s && s.length() > MAX_STRING) {
            throw new Exceeded("made a string longer than " + MAX_STRING + " characters");
        }
        if (value instanceof Collection<?> c && c.size() > MAX_ELEMENTS) {
            throw new Exceeded("made a list of more than " + MAX_ELEMENTS + " elements");
        }
        if (value instanceof Map<?, ?> m && m.size() > MAX_ELEMENTS) {
            throw new Exceeded("made a map of more than " + MAX_ELEMENTS + " entries");
        }
    }
}
