package org.roster.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.CreateOp;
import org.roster.provisioning.DeleteOp;
import org.roster.provisioning.EnableOp;
import org.roster.provisioning.EntitlementBatchOp;
import org.roster.provisioning.TargetSettings;
import org.roster.provisioning.UpdateOp;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Targets of {@code type: sink} for benchmarks of Roster itself: every operation is acknowledged at
 * once and only counted. Unlike {@code type: memory}, which keeps each account (about 600 bytes), a
 * million accounts cost the benchmark's heap nothing.
 */
@TestConfiguration(proxyBeanMethods = false)
class SinkTarget {

    static final AtomicLong OPERATIONS = new AtomicLong();
    /** While set, every call waits: the dispatcher sends nothing and commits nothing (a diagnostic). */
    static volatile boolean hold;

    private static void count(long n) {
        while (hold) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        OPERATIONS.addAndGet(n);
    }

    @Bean
    ConnectorFactory sinkConnectors() {
        return new ConnectorFactory() {
            @Override
            public String type() {
                return "sink";
            }

            @Override
            public Connector create(TargetSettings settings) {
                return new Sink(settings.name());
            }
        };
    }

    private record Sink(String name) implements Connector, CreateOp, UpdateOp, EnableOp, EntitlementBatchOp, DeleteOp {

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.CREATE, Capability.UPDATE, Capability.ENABLE, Capability.ENTITLEMENTS, Capability.DELETE);
        }

        @Override
        public void create(String identity, Map<String, String> attributes) {
            count(1);
        }

        @Override
        public void update(String identity, Map<String, String> changes) {
            count(1);
        }

        @Override
        public void enable(String identity) {
            count(1);
        }

        @Override
        public void disable(String identity) {
            count(1);
        }

        @Override
        public void delete(String identity) {
            count(1);
        }

        @Override
        public void addEntitlement(String identity, String entitlement) {
            count(1);
        }

        @Override
        public void removeEntitlement(String identity, String entitlement) {
            count(1);
        }

        @Override
        public Map<String, ConnectorException> addEntitlementToAll(String entitlement, List<String> identities) {
            count(identities.size());
            return Map.of();
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
