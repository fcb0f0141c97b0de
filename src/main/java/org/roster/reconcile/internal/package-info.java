/** Storage of reconciliation runs and findings. */
@NullMarked
package org.roster.reconcile.internal;

import org.jspecify.annotations.NullMarked;
