/** The certification module's store and schedule. */
@NullMarked
package org.roster.certification.internal;

import org.jspecify.annotations.NullMarked;
