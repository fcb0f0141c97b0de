package org.roster.policy.internal;

import dev.cel.runtime.CelRuntime;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A rule whose condition and entitlement expressions are compiled CEL programs. */
public record CompiledRule(String name, CelRuntime.Program condition, List<CompiledGrant> grants) {

    public record CompiledGrant(String target, @Nullable String entitlement, CelRuntime.@Nullable Program expression,
                                @Nullable String source) {
    }
}
