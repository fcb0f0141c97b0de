/**
 * Access granted to one person outside birthright policy: exceptions (approved by someone other
 * than the requester, with an expiry), just-in-time grants (approved, bounded in time), entitlements
 * kept across a move because they follow the person, and owners' reviews of privileged access after
 * a move. Each ends by itself: at expiry, at the review deadline, or when employment ends.
 */
@NullMarked
package org.roster.grants;

import org.jspecify.annotations.NullMarked;
