/**
 * AuthZEN access evaluation and SSF/CAEP events from live lifecycle state. Arrives with its own issue; the package marks its place in the flow.
 */
@NullMarked
package org.roster.signals;

import org.jspecify.annotations.NullMarked;
