package org.roster.lifecycle;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.hr.Worker;

/**
 * Published inside the accepting transaction when an HR change moved an identity through its
 * lifecycle (or changed its attributes). Serialisable, so a queue can sit here later.
 *
 * @param from the state before, {@code null} for a new identity
 * @param epoch the employment epoch: 1 for the first employment, +1 at each rehire
 * @param changes human-readable changes, e.g. {@code department: Sales -> Engineering}
 * @param source the HR source the change came from ({@code schedule} when an effective date came)
 * @param receivedAt when the HR change was received
 * @param actor the principal that sent the HR change ({@code schedule} when an effective date came)
 */
public record IdentityTransitioned(String employeeNumber, TransitionKind kind, @Nullable LifecycleState from,
                                   LifecycleState to, int epoch, Worker worker, List<String> changes,
                                   String hrEventId, String source, Instant receivedAt, String actor) {

    public IdentityTransitioned {
        changes = List.copyOf(changes);
    }
}
