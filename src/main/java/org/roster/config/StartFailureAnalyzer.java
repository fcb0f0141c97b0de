package org.roster.config;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Roster's own refusals to start (a short or clashing token, a secret in clear text, a target that
 * cannot be reached or lacks what it needs, a policy that does not validate) are said in a few lines,
 * naming the key and what to do, instead of a stack trace. The trace is still there with {@code --debug}.
 */
public final class StartFailureAnalyzer implements FailureAnalyzer {

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        Throwable ours = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RuntimeException && t.getMessage() != null && thrownByRoster(t)) {
                ours = t; // the outermost of Roster's: it names the key the deeper ones were about
                break;
            }
        }
        if (ours == null) {
            return null;
        }
        String message = ours.getMessage();
        String action = message.contains("ROSTER_BOOTSTRAP_TOKEN")
            ? "Set ROSTER_BOOTSTRAP_TOKEN to a random value of at least 16 characters, or leave it unset."
            : message.contains("clear text")
            ? "Write the secret as a ${ENV_VAR} reference in the file and set that variable."
            : "Correct the setting it names (docs/configuration.md lists every key), then start again."
                + " Start with --debug to see where it was found.";
        return new FailureAnalysis("Roster did not start: " + message, action, ours);
    }

    private static boolean thrownByRoster(Throwable t) {
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = 0; i < Math.min(3, stack.length); i++) {
            if (stack[i].getClassName().startsWith("org.roster.")) {
                return true;
            }
        }
        return t.getClass().getName().startsWith("org.roster.");
    }
}
