/** Sponsorship persistence. */
@NullMarked
package org.roster.sponsorship.internal;

import org.jspecify.annotations.NullMarked;
