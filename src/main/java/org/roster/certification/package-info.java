/**
 * Access certification: campaigns that ask the people accountable for access (managers,
 * entitlement owners, named reviewers) whether each access a person holds should stay, started on a
 * schedule, on demand, or by an HR event (a new manager, a return from leave, a contract extended, a
 * conversion); decisions are kept with their reason, revocations go through the planner, and what
 * nobody decided by the deadline is revoked, kept or escalated as the campaign says.
 */
@NullMarked
package org.roster.certification;

import org.jspecify.annotations.NullMarked;
