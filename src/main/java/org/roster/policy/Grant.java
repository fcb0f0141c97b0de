package org.roster.policy;

import org.jspecify.annotations.Nullable;

/**
 * Access that policy grants one identity: an account on a target and, optionally, one
 * entitlement (group, role) there, with the rule that granted it.
 */
public record Grant(String target, @Nullable String entitlement, String rule) {
}
