/**
 * Audit persistence.
 */
@NullMarked
package org.roster.audit.internal;

import org.jspecify.annotations.NullMarked;
