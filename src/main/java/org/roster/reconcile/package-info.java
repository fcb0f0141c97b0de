/**
 * Reading targets back and surfacing drift (orphans, stale entitlements, access that outlived employment). Arrives with its own issue; the package marks its place in the flow.
 */
@NullMarked
package org.roster.reconcile;

import org.jspecify.annotations.NullMarked;
