/**
 * Reading targets back and surfacing drift: orphan accounts, access that outlived employment,
 * disabled and missing accounts, extra and missing entitlements.
 */
@NullMarked
package org.roster.reconcile;

import org.jspecify.annotations.NullMarked;
