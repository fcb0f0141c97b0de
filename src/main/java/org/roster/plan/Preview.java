package org.roster.plan;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What-if: runs proposed HR changes through the real pipeline (validation, lifecycle, policy,
 * planning, the safety guard) inside a transaction that is always rolled back, and returns the
 * plans it made. Nothing is stored, sent or audited; the preview is exactly what the changes would
 * do, because it is the same code.
 */
@Service
public class Preview {

    private static final ThreadLocal<@Nullable Capture> CAPTURE = new ThreadLocal<>();

    private final TransactionTemplate tx;

    public Preview(TransactionTemplate tx) {
        this.tx = tx;
    }

    /**
     * A plan as the preview saw it.
     *
     * @param held operations the safety guard or a segregation-of-duties rule would hold
     */
    public record Planned(Plan plan, List<Operation> held) {
    }

    private static final class Capture {
        final List<Planned> plans = new ArrayList<>();
    }

    /** Runs the changes with planning observed, then rolls everything back. */
    public List<Planned> capture(Runnable changes) {
        Capture capture = new Capture();
        CAPTURE.set(capture);
        try {
            tx.executeWithoutResult(status -> {
                status.setRollbackOnly();
                changes.run();
            });
        } finally {
            CAPTURE.remove();
        }
        return List.copyOf(capture.plans);
    }

    /** Called by planning for every plan it makes: the whole plan, and what of it the guard lets go. */
    static void observe(Plan computed, Plan admitted, List<Operation> conflicts) {
        Capture capture = CAPTURE.get();
        if (capture == null || (computed.operations().isEmpty() && conflicts.isEmpty())) {
            return;
        }
        List<Operation> held = new ArrayList<>(computed.operations());
        held.removeAll(admitted.operations());
        held.addAll(conflicts);
        capture.plans.add(new Planned(computed, held));
    }
}
