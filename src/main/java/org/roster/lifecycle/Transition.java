package org.roster.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One stored lifecycle transition of an identity.
 *
 * @param effectiveAt when HR said it takes effect (a termination's end of last day, a start date)
 * @param occurredAt when Roster made the transition
 * @param late for a termination that took effect before Roster heard of it (retro-dated) or could act
 *     on it: how late Roster acted
 */
public record Transition(long seq, TransitionKind kind, @Nullable LifecycleState from, LifecycleState to,
                         List<String> changes, String hrEventId, @Nullable Instant effectiveAt, Instant occurredAt,
                         @Nullable Duration late) {
}
