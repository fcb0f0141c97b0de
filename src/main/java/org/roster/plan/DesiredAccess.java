package org.roster.plan;

import java.util.List;
import org.roster.hr.Worker;
import org.roster.lifecycle.LifecycleState;
import org.roster.policy.Grant;
import org.roster.policy.PolicyEngine;
import org.springframework.stereotype.Service;

/** Read side of planning: what access policy wants an identity to have right now. */
@Service
public final class DesiredAccess {

    private final PolicyEngine policy;

    public DesiredAccess(PolicyEngine policy) {
        this.policy = policy;
    }

    /** The grants for a worker in a state; none in a state that holds no access (pre-hire, terminated). */
    public List<Grant> of(Worker worker, LifecycleState state) {
        if (!holdsAccess(state)) {
            return List.of();
        }
        return policy.current().evaluate(worker.attributes(), state.name()).grants();
    }

    /**
     * Which states hold access. Leave of absence keeps access until leave-of-absence rules arrive
     * with the policy model; a pre-hire gets nothing before the start date.
     */
    static boolean holdsAccess(LifecycleState state) {
        return state == LifecycleState.ACTIVE || state == LifecycleState.ON_LEAVE;
    }
}
