package org.roster.plan;

/**
 * An identity's access changed outside HR (a grant approved, expired or revoked, a review
 * decided): published inside that change's transaction, it makes planning recompute the identity.
 *
 * @param cause a short phrase for the reasons of the operations it leads to
 * @param source who caused it, for the safety guard ({@code grants})
 */
public record AccessChanged(String identity, String cause, String correlationId, String source) {
}
