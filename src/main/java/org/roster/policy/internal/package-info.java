/**
 * Compiled rule representation.
 */
@NullMarked
package org.roster.policy.internal;

import org.jspecify.annotations.NullMarked;
