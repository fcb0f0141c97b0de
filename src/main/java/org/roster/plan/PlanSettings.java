package org.roster.plan;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.plan}: how plans treat accounts nobody should have any more.
 *
 * @param deleteAfter how long a leaver's accounts stay disabled before they are deleted; unset (the
 *     default) never deletes. A rehire before then keeps the account.
 */
@ConfigurationProperties("roster.plan")
public record PlanSettings(@Nullable Duration deleteAfter) {

    public PlanSettings {
        if (deleteAfter != null && (deleteAfter.isNegative() || deleteAfter.isZero())) {
            throw new IllegalArgumentException("roster.plan.delete-after must be positive");
        }
    }
}
