/**
 * Persistence and mapping details of the HR module.
 */
@NullMarked
package org.roster.hr.internal;

import org.jspecify.annotations.NullMarked;
