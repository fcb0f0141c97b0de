package org.roster.lifecycle;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One stored lifecycle transition of an identity. */
public record Transition(long seq, TransitionKind kind, @Nullable LifecycleState from, LifecycleState to,
                         List<String> changes, String hrEventId, Instant occurredAt) {
}
