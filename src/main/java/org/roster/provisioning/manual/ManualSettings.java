package org.roster.provisioning.manual;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code roster.provisioning.targets[].manual}: who does the tasks, and by when.
 *
 * @param owner the person or team the tasks are for
 * @param dueWithin how long a task may take (default 1 day); later, it is overdue
 */
public record ManualSettings(@Nullable String owner, @Nullable Duration dueWithin) {

    public ManualSettings {
        dueWithin = dueWithin == null ? Duration.ofDays(1) : dueWithin;
    }
}
