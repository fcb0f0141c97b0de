/**
 * Lifecycle events for subscribers: each transition HR causes (joiner, mover with what moved, leaver,
 * leave, rehire, conversion) and each access change a target acknowledged, as a CloudEvents 1.0
 * event, queued in the change's own transaction for every subscriber whose type filter takes it,
 * then delivered over a signed webhook in order, with retries, timed against the subscriber's
 * objective.
 */
@NullMarked
package org.roster.subscribers;

import org.jspecify.annotations.NullMarked;
