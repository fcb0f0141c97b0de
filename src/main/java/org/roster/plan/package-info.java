/**
 * Desired versus last known actual state per target, turned into an immutable, ordered {@link org.roster.plan.Plan}. Sends nothing.
 */
@NullMarked
package org.roster.plan;

import org.jspecify.annotations.NullMarked;
