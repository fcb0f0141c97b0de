/**
 * Shared runtime infrastructure of the background workers (the dispatcher, the lifecycle scheduler).
 */
@NullMarked
package org.roster.runtime;

import org.jspecify.annotations.NullMarked;
