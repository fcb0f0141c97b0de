package org.roster.plan;

/**
 * Access an identity holds outside birthright policy: an approved exception, an active
 * just-in-time grant, an entitlement kept across a move (it follows the person) or kept after its
 * owner's review. The planner adds it to what policy grants, while the identity holds access.
 *
 * @param id the grant's id, recorded as the reason of the access it gives
 * @param kind {@code EXCEPTION}, {@code JIT}, {@code KEPT_ON_MOVE} or {@code REVIEWED}
 */
public record StandingGrant(String id, String kind, String target, String entitlement, String reason) {
}
