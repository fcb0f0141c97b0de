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

    /** One field's change: its value before and after ({@code null} for none). */
    public record FieldChange(@Nullable String from, @Nullable String to) {
    }

    /** The changes by field, as {@link TransitionClassifier} wrote them ({@code department: Sales -> Engineering}). */
    public java.util.Map<String, FieldChange> fieldChanges() {
        java.util.Map<String, FieldChange> out = new java.util.LinkedHashMap<>();
        for (String c : changes) {
            int colon = c.indexOf(": ");
            int arrow = c.lastIndexOf(" -> ");
            if (colon > 0 && arrow > colon) {
                out.put(c.substring(0, colon), new FieldChange(none(c.substring(colon + 2, arrow)), none(c.substring(arrow + 4))));
            }
        }
        return out;
    }

    private static @Nullable String none(String value) {
        return value.equals(TransitionClassifier.NONE) ? null : value;
    }
}
