package org.roster.work;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.work}: when waiting work is due.
 *
 * @param decideWithin how long a decision may wait when the thing itself has no deadline (an
 *     exception or JIT request, a hold, a quarantined record, a rehire review); default 3 days
 * @param maxTasksPerKind the most tasks of one kind listed for a person (default 200; the rest
 *     are in the lists of each kind)
 */
@ConfigurationProperties("roster.work")
public record WorkSettings(@Nullable Duration decideWithin, @Nullable Integer maxTasksPerKind) {

    public WorkSettings {
        decideWithin = decideWithin == null ? Duration.ofDays(3) : decideWithin;
        maxTasksPerKind = maxTasksPerKind == null ? 200 : maxTasksPerKind;
    }
}
