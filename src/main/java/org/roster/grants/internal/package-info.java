/** Storage and the expiry loop of access grants. */
@NullMarked
package org.roster.grants.internal;

import org.jspecify.annotations.NullMarked;
