/**
 * Append-only log of HR events, decisions, operations and acknowledgements.
 */
@NullMarked
package org.roster.audit;

import org.jspecify.annotations.NullMarked;
