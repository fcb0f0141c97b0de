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
 *
 * <p>In cluster mode over Kafka ({@code roster.cluster.kafka}) an {@link OperationRelay} hands new
 * operations to each target's topics, and every instance's lane sends the share of the target's
 * work that the target's consumer group gives it.
 */
@Component
public class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Map<String, TargetLane> lanes = new LinkedHashMap<>();
    private final OutboxRepository outbox;
    private final Outcomes outcomes;
    private final @org.jspecify.annotations.Nullable OperationTopics topics;
    private final @org.jspecify.annotations.Nullable OperationRelay relay;
    private volatile boolean running;
    /** Cluster mode: waits for the brokers when they did not answer at start, then starts the lanes and the relay. */
    private @org.jspecify.annotations.Nullable Thread waitingForBrokers;
    /** How long the brokers are given to answer at start (and at each later try) before Roster starts without them. */
    static final java.time.Duration BROKERS_AT_START = java.time.Duration.ofSeconds(10);

    public Dispatcher(Connectors connectors, ProvisioningSettings settings, OutboxRepository outbox, Outcomes outcomes,
                      RevocationCheck revocations, TaskRepository tasks, Clock clock,
                      org.springframework.beans.factory.ObjectProvider<org.roster.provisioning.SecretDelivery> secrets,
                      org.roster.runtime.Leases leases, org.roster.runtime.ClusterSettings cluster, PartitionClaims claims,
                      org.roster.runtime.LoopWatch watch) {
        this.outbox = outbox;
        this.outcomes = outcomes;
        if (cluster.overKafka() && !outbox.onPostgres()) {
            // the relay relies on the order PostgreSQL gives transaction and operation ids (OperationRelay)
            throw new IllegalStateException("roster.cluster.kafka: needs PostgreSQL as the store (roster.store.url);"
                + " the embedded H2 file is one instance's");
        }
        this.topics = cluster.overKafka() ? new OperationTopics(cluster) : null;
        for (TargetSettings target : settings.targets()) {
            connectors.find(target.name()).ifPresent(c -> {
                TargetLane lane = new TargetLane(c, target, outbox, outcomes, revocations, tasks, clock,
                    secrets::getIfAvailable);
                // in cluster mode one instance dispatches to each target, or over Kafka each its share
                lane.setLeases(leases);
                lane.setWatch(watch);
                lane.clustered(cluster.enabled());
                if (topics != null) {
                    lane.overKafka(new OperationStream(target.name(), topics, outbox, claims));
                }
                lanes.put(target.name(), lane);
            });
        }
        this.relay = topics == null ? null : new OperationRelay(outbox, topics, lanes.keySet());
        if (relay != null) {
            relay.setLeases(leases); // one instance relays
            relay.setWatch(watch);
        }
    }

    /** A manual task was closed: its operation is acknowledged and the identity's next one may go. */
    public void taskDone(String target, OutboxEntry entry, java.time.Instant at) {
        outcomes.acknowledge(List.of(new Outcomes.Acknowledged(entry, null, at)));
        TargetLane lane = lanes.get(target);
        if (lane != null) {
            lane.afterTask(entry, at);
            org.roster.store.AfterCommit.run(lane::wake);
        }
    }

    /** Work arrived: every lane looks (a lane with nothing to do goes back to sleep after one query). */
    public void wake() {
        if (relay != null) {
            relay.wake();
        } else {
            lanes.values().forEach(TargetLane::wake);
        }
    }

    /** A target's lane, if the target is configured. */
    java.util.Optional<TargetLane> lane(String target) {
        return java.util.Optional.ofNullable(lanes.get(target));
    }

    /**
     * Work arrived and some of it revokes access on these targets: their lanes, if busy with routine
     * work, stop for it at their next send, then every lane looks.
     */
    public void revocationsPlanned(java.util.Collection<String> targets) {
        targets.forEach(t -> {
            TargetLane lane = lanes.get(t);
            if (lane != null) {
                lane.revocationPlanned();
            }
        });
        wake();
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
        running = true;
        long since = System.nanoTime();
        boolean brokersAnswer = topics == null || brokersAnswerAtStart(topics);
        // without the brokers, the lanes join their groups once the topics are known; until then they send
        // what their claims answer for
        lanes.values().forEach(TargetLane::start);
        if (brokersAnswer) {
            startRelay();
        } else {
            Thread t = new Thread(() -> waitForBrokers(java.util.Objects.requireNonNull(topics), since), "roster-kafka-topics");
            t.setDaemon(true);
            waitingForBrokers = t;
            t.start();
        }
    }

    /** Makes sure the targets' topics exist; false, said once, when no broker answers in time. */
    private boolean brokersAnswerAtStart(OperationTopics topics) {
        try {
            topics.ensure(lanes.keySet(), BROKERS_AT_START);
            return true;
        } catch (OperationTopics.BrokersUnreachable e) {
            // HR changes are taken and planned meanwhile: their operations wait in the outbox
            log.warn("cluster: {} within {} s; Roster takes HR changes and keeps their operations in the store,"
                + " sends the revocations of the partitions it answers for, and relays and sends the rest once the"
                + " brokers answer", e.getMessage(), BROKERS_AT_START.toSeconds());
            return false;
        }
    }

    private synchronized void startRelay() {
        if (running && relay != null) {
            relay.start();
        }
    }

    /** Asks the brokers again and again (each time waiting up to {@link #BROKERS_AT_START} for an answer). */
    private void waitForBrokers(OperationTopics topics, long since) {
        while (running) {
            try {
                Thread.sleep(1_000);
                topics.ensure(lanes.keySet(), BROKERS_AT_START);
            } catch (InterruptedException e) {
                return;
            } catch (OperationTopics.BrokersUnreachable e) {
                continue;
            } catch (RuntimeException e) {
                log.error("cluster: {}; this instance relays nothing until it is restarted", e.getMessage());
                return;
            }
            log.info("cluster: the brokers answer, after {} s: operations are relayed and sent",
                (System.nanoTime() - since) / 1_000_000_000);
            startRelay();
            return;
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        Thread t = waitingForBrokers;
        if (t != null) {
            t.interrupt();
        }
        if (relay != null) {
            relay.stop();
        }
        List.copyOf(lanes.values()).forEach(TargetLane::stop);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
