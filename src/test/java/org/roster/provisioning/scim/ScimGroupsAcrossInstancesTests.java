package org.roster.provisioning.scim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.Connector;
import org.roster.provisioning.CreateOp;
import org.roster.provisioning.EntitlementOp;
import org.roster.provisioning.TargetSettings;
import org.roster.runtime.ClusterSettings;
import org.roster.runtime.ExclusiveRuns;
import org.roster.support.Databases;
import org.roster.support.ScimTargetServer;

/**
 * Cluster mode over Kafka: two instances send one SCIM target's operations at once, each its own
 * identities'. Many SCIM servers (this independent one among them) apply a group PATCH as a
 * read-modify-write, so two PATCHes of one group at once can lose a member while both are
 * acknowledged. Each instance's connector changes a group only while it holds the group in the
 * store: members added from both instances at once are all there. (Without the hold, two connectors
 * with only their own locks failed here: the server answered 500 on a concurrent modification of
 * its member list.)
 */
class ScimGroupsAcrossInstancesTests {

    private static final ScimTargetServer server = start();

    private static ScimTargetServer start() {
        try {
            return new ScimTargetServer();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void membersAddedToOneGroupFromTwoInstancesAtOnceAreAllThere() throws Exception {
        javax.sql.DataSource store = Databases.fresh(Databases.Kind.POSTGRESQL);
        Connector a = connector(store, "instance-a");
        Connector b = connector(store, "instance-b");
        String group = "crm-sales-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> identities = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String en = "G" + UUID.randomUUID().toString().substring(0, 8);
            ((CreateOp) a).create(en, Map.of("userName", en.toLowerCase(java.util.Locale.ROOT), "employeeNumber", en,
                "givenName", "Group", "familyName", "Member", "department", "Sales"));
            identities.add(en);
        }
        ((EntitlementOp) a).addEntitlement(identities.get(0), group); // the group exists before the race
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 1; i < identities.size(); i++) {
                String en = identities.get(i);
                EntitlementOp instance = (EntitlementOp) (i % 2 == 0 ? a : b);
                sent.add(senders.submit(() -> {
                    instance.addEntitlement(en, group);
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            senders.shutdown();
        }
        Set<String> members = new java.util.HashSet<>();
        server.groups().values().stream().filter(g -> g.getDisplayName().orElse("").equals(group))
            .forEach(g -> g.getMembers().forEach(m -> m.getValue().ifPresent(members::add)));
        Set<String> expected = new java.util.HashSet<>();
        identities.forEach(en -> expected.add(server.userByExternalId(en).orElseThrow().getId().orElseThrow()));
        assertThat(members).as("every member acknowledged is in the group").containsExactlyInAnyOrderElementsOf(expected);
        a.close();
        b.close();
    }

    private static Connector connector(javax.sql.DataSource store, String instance) {
        var runs = new ExclusiveRuns(store, new ClusterSettings(true, instance, Duration.ofSeconds(5), null));
        return new ScimConnectorFactory(runs).create(TargetSettings.of("crm", "scim", null,
            new ScimSettings(server.baseUrl(), ScimTargetServer.TOKEN, null, Duration.ofSeconds(10), null, null, null)));
    }
}
