package org.roster.hr;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Published, inside the accepting transaction, for every HR change that was accepted and changed
 * something. A serialisable record so that a queue can later sit between HR and lifecycle.
 *
 * @param hrEventId id of the stored HR event; every later record correlates to it
 * @param previous the record before the change, {@code null} for a new worker
 * @param receivedAt when Roster received the change: the start of propagation latency
 */
public record WorkerChanged(String hrEventId, String source, String actor, @Nullable Worker previous,
                            Worker current, Instant receivedAt) {
}
