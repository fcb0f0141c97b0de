package org.roster.plan;

/**
 * Access an identity holds outside birthright policy: an approved exception, an active
 * just-in-time grant, an entitlement kept across a move (it follows the person) or kept after its
 * owner's review. The planner adds it to what policy grants, while the identity holds access.
 *
 * @param id the grant's id, recorded as the reason of the access it gives
 * @param kind {@code EXCEPTION}, {@code JIT}, {@code KEPT_ON_MOVE}, {@code REVIEW}, or {@code EXCLUSION}
 *     (access taken away, not given)
 */
public record StandingGrant(String id, String kind, String target, String entitlement, String reason) {

    /** Whether it takes access away (a certification's exclusion) rather than giving it. */
    public boolean exclusion() {
        return "EXCLUSION".equals(kind);
    }
}
