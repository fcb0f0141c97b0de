/**
 * The command line (same jar). Arrives with its own issue; the package marks its place in the flow.
 */
@NullMarked
package org.roster.cli;

import org.jspecify.annotations.NullMarked;
