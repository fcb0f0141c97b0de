package org.roster.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.roster.hr.Worker;

/** Pure classification of an HR change into a lifecycle transition. */
public final class TransitionClassifier {

    /** How a change names a value that was not there, before or after. */
    static final String NONE = "(none)";

    /** Fields whose change moves a worker to another position; access that follows the position changes with them. */
    private static final List<Field> POSITION = List.of(
        new Field("department", Worker::department),
        new Field("costCenter", Worker::costCenter),
        new Field("manager", Worker::managerEmployeeNumber),
        new Field("title", Worker::title),
        new Field("workerType", w -> w.workerType().wire()),
        new Field("location", Worker::location));

    private static final List<Field> PERSONAL = List.of(
        new Field("userName", Worker::userName),
        new Field("givenName", Worker::givenName),
        new Field("familyName", Worker::familyName),
        new Field("displayName", Worker::displayName),
        new Field("email", Worker::email),
        new Field("startDate", w -> w.startDate() == null ? null : w.startDate().toString()),
        new Field("endDate", w -> w.endDate() == null ? null : w.endDate().toString()),
        new Field("employmentStatus", w -> w.employmentStatus().wire()),
        new Field("active", w -> Boolean.toString(w.active())),
        new Field("timeZone", Worker::timeZone),
        new Field("terminationReason", Worker::terminationReason),
        new Field("endTime", w -> w.endTime() == null ? null : w.endTime().toString()));

    private record Field(String name, Function<Worker, @Nullable String> read) {
    }

    /** The outcome: the kind, the state to move to and what changed. */
    public record Outcome(TransitionKind kind, LifecycleState to, List<String> changes) {
    }

    private TransitionClassifier() {
    }

    /**
     * Classifies a change of HR record and state. Empty when nothing changed at all (a re-evaluation
     * that found the same state, an identical record).
     *
     * @param previous the record before, {@code null} for a new worker
     * @param from the state before, {@code null} for a new identity
     * @param to the state the current record implies now
     */
    public static Optional<Outcome> classify(@Nullable Worker previous, @Nullable LifecycleState from, Worker current,
                                             LifecycleState to) {
        List<String> positionChanges = previous == null ? List.of() : diff(POSITION, previous, current);
        List<String> changes = new ArrayList<>(positionChanges);
        if (previous != null) {
            changes.addAll(diff(PERSONAL, previous, current));
        }
        TransitionKind kind;
        if (from == null) {
            kind = switch (to) {
                case PRE_HIRE -> TransitionKind.PRE_HIRE;
                case TERMINATED -> TransitionKind.LEAVER;
                case ACTIVE, ON_LEAVE -> TransitionKind.JOINER;
            };
        } else if (from == LifecycleState.TERMINATED && to != LifecycleState.TERMINATED) {
            kind = TransitionKind.REHIRE;
        } else if (to == LifecycleState.TERMINATED && from != LifecycleState.TERMINATED) {
            kind = TransitionKind.LEAVER;
        } else if (from == LifecycleState.PRE_HIRE && to != LifecycleState.PRE_HIRE) {
            kind = TransitionKind.JOINER;
        } else if (from != LifecycleState.PRE_HIRE && to == LifecycleState.PRE_HIRE) {
            kind = TransitionKind.PRE_HIRE;
        } else if (from != LifecycleState.ON_LEAVE && to == LifecycleState.ON_LEAVE) {
            kind = TransitionKind.LEAVE_START;
        } else if (from == LifecycleState.ON_LEAVE && to == LifecycleState.ACTIVE) {
            kind = TransitionKind.LEAVE_RETURN;
        } else if (previous != null && previous.workerType() != current.workerType()) {
            kind = TransitionKind.CONVERSION;
        } else if (!positionChanges.isEmpty()) {
            kind = TransitionKind.MOVER;
        } else if (!changes.isEmpty()) {
            kind = TransitionKind.UPDATE;
        } else {
            return Optional.empty();
        }
        return Optional.of(new Outcome(kind, to, changes));
    }

    private static List<String> diff(List<Field> fields, Worker before, Worker after) {
        List<String> changes = new ArrayList<>();
        for (Field f : fields) {
            String a = f.read().apply(before);
            String b = f.read().apply(after);
            if (!Objects.equals(a, b)) {
                changes.add(f.name() + ": " + (a == null ? NONE : a) + " -> " + (b == null ? NONE : b));
            }
        }
        return changes;
    }
}
