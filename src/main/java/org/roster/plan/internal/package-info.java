/** Storage of held plans. */
@NullMarked
package org.roster.plan.internal;

import org.jspecify.annotations.NullMarked;
