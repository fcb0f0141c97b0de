/**
 * The joiner/mover/leaver state machine per identity. Consumes {@link org.roster.hr.WorkerChanged}, publishes {@link org.roster.lifecycle.IdentityTransitioned}. Never calls connectors.
 */
@NullMarked
package org.roster.lifecycle;

import org.jspecify.annotations.NullMarked;
