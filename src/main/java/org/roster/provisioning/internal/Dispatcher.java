package org.roster.provisioning.internal;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.ProvisioningSettings;
import org.roster.provisioning.TargetSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends outbox operations to their targets: one {@link TargetLane} per configured target, each with
 * its own loop and senders ({@code concurrency} per target), woken after a plan commits or when its
 * next retry falls due. An operation is marked done only after its target acknowledged it.
 */
@Component
public class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Map<String, TargetLane> lanes = new LinkedHashMap<>();
    private final OutboxRepository outbox;
    private final Outcomes outcomes;
    private volatile boolean running;

    public Dispatcher(Connectors connectors, ProvisioningSettings settings, OutboxRepository outbox, Outcomes outcomes,
                      RevocationCheck revocations, TaskRepository tasks, Clock clock,
                      org.springframework.beans.factory.ObjectProvider<org.roster.provisioning.SecretDelivery> secrets,
                      org.roster.runtime.Leases leases) {
        this.outbox = outbox;
        this.outcomes = outcomes;
        for (TargetSettings target : settings.targets()) {
            connectors.find(target.name()).ifPresent(c -> {
                TargetLane lane = new TargetLane(c, target, outbox, outcomes, revocations, tasks, clock,
                    secrets::getIfAvailable);
                lane.setLeases(leases); // in cluster mode one instance dispatches to each target
                lanes.put(target.name(), lane);
            });
        }
    }

    /** A manual task was closed: its operation is acknowledged and the identity's next one may go. */
    public void taskDone(String target, OutboxEntry entry, java.time.Instant at) {
        outcomes.acknowledge(List.of(new Outcomes.Acknowledged(entry, at)));
        TargetLane lane = lanes.get(target);
        if (lane != null) {
            lane.afterTask(entry, at);
            org.roster.store.AfterCommit.run(lane::wake);
        }
    }

    /** Work arrived: every lane looks (a lane with nothing to do goes back to sleep after one query). */
    public void wake() {
        lanes.values().forEach(TargetLane::wake);
    }

    @Override
    public void start() {
        Set<String> configured = lanes.keySet();
        Map<String, Long> waiting = outbox.pendingByTarget();
        waiting.forEach((target, count) -> {
            if (!configured.contains(target)) {
                // Kept, not dead-lettered: they go out when the target is configured again.
                log.warn("{} pending operation(s) for target '{}', which is not configured: they wait until it is",
                    count, target);
            }
        });
        lanes.values().forEach(TargetLane::start);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        List.copyOf(lanes.values()).forEach(TargetLane::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
