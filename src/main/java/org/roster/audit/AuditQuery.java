package org.roster.audit;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Which audit records to read: every criterion given must hold; {@code to} is exclusive. */
public record AuditQuery(@Nullable String identity, @Nullable String target, @Nullable String kind,
                         @Nullable String actor, @Nullable Instant from, @Nullable Instant to) {
}
