package org.roster.provisioning.manual;

import java.util.Set;
import org.roster.provisioning.Connector;

/**
 * A system that cannot take lifecycle events: Roster sends it nothing. Each operation becomes a
 * task for its owner ({@code GET /api/v1/tasks}), due within {@link ManualSettings#dueWithin()};
 * the operation is acknowledged when the owner closes the task with a note of what was done, so it
 * counts in propagation latency like any other target. The identity's next operation on the target
 * waits for it, as everywhere.
 */
public final class ManualConnector implements Connector {

    private final String name;
    private final ManualSettings settings;

    public ManualConnector(String name, ManualSettings settings) {
        this.name = name;
        this.settings = settings;
    }

    public ManualSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CREATE, Capability.UPDATE, Capability.ENABLE, Capability.ENTITLEMENTS,
            Capability.DELETE);
    }

    @Override
    public void close() {
        // nothing held
    }
}
