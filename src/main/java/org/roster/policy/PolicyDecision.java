package org.roster.policy;

import java.util.List;

/** What policy grants one identity, and under which policy version it decided. */
public record PolicyDecision(String policyVersion, List<Grant> grants) {

    public PolicyDecision {
        grants = List.copyOf(grants);
    }
}
