/**
 * Persistence of identity state and lifecycle history.
 */
@NullMarked
package org.roster.lifecycle.internal;

import org.jspecify.annotations.NullMarked;
