package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.scim.ScimConnectorFactory;
import org.roster.provisioning.scim.ScimSettings;
import org.roster.support.ScimTargetServer;

/**
 * The SCIM 2.0 connector against an independent SCIM server (captaingoldfish's scim-sdk-server,
 * not Roster's own), started on loopback: the connector contract, and what is SCIM's own.
 */
class ScimConnectorTests extends ConnectorContract {

    private static ScimTargetServer server;

    static synchronized ScimTargetServer server() throws Exception {
        if (server == null) {
            server = new ScimTargetServer();
        }
        return server;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.setDown(false);
        }
    }

    static Connector connect(String url, String token) {
        return new ScimConnectorFactory().create(TargetSettings.of("crm", "scim", null,
            new ScimSettings(url, token, null, java.time.Duration.ofSeconds(5), null, null, null)));
    }

    @Override
    protected Connector newConnector() throws Exception {
        return connect(server().baseUrl(), ScimTargetServer.TOKEN);
    }

    /** A user made in the application by hand, as its admins do for service accounts. */
    private static String postUser(String userName, @org.jspecify.annotations.Nullable String userType) throws Exception {
        String body = """
            {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "%s", "displayName": "%s job",
             "active": true%s}""".formatted(userName, userName, userType == null ? "" : ", \"userType\": \"" + userType + "\"");
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(server().baseUrl() + "/Users")).header("Authorization", "Bearer " + ScimTargetServer.TOKEN)
            .header("Content-Type", "application/scim+json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return userName;
    }

    private static java.util.Optional<de.captaingoldfish.scim.sdk.common.resources.User> byName(String userName)
        throws Exception {
        return server().users().values().stream().filter(u -> u.getUserName().orElse("").equals(userName)).findFirst();
    }

    @Test
    void nonPersonUsersAreThoseTheConfiguredRulePicksAndNoOtherUserIsEverDisabledOrDeletedAsOne() throws Exception {
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 6);
        String service = postUser("svc-report-" + suffix, "service");
        String person = postUser("pat-" + suffix, null);
        Connector c = new ScimConnectorFactory().create(TargetSettings.of("crm", "scim", null,
            new ScimSettings(server().baseUrl(), ScimTargetServer.TOKEN, null, java.time.Duration.ofSeconds(5), null,
                "userType eq \"service\"", null)));
        try {
            var found = ((NonHumanListOp) c).nonHumanAccounts();
            assertThat(found).extracting(NonHumanListOp.NonHumanAccount::name).contains(service).doesNotContain(person);
            assertThat(found).filteredOn(a -> a.name().equals(service)).extracting(NonHumanListOp.NonHumanAccount::description)
                .containsExactly(service + " job");

            ((NonHumanAccountOp) c).disableNonHuman(person);
            ((NonHumanAccountOp) c).deleteNonHuman(person);
            assertThat(byName(person).orElseThrow().isActive()).as("a person is not a non-human account").contains(true);

            ((NonHumanAccountOp) c).disableNonHuman(service);
            assertThat(byName(service).orElseThrow().isActive()).contains(false);
            ((NonHumanAccountOp) c).deleteNonHuman(service);
            assertThat(byName(service)).isEmpty();
            ((NonHumanAccountOp) c).deleteNonHuman(service); // already gone: done
        } finally {
            c.close();
        }
        assertThat(((NonHumanListOp) connector).listsNonHumans()).as("without a rule, no non-human users").isFalse();
        assertThatThrownBy(() -> new ScimSettings(server().baseUrl(), ScimTargetServer.TOKEN, null, null, null,
            "userType eq", null)).hasMessageContaining("scim.non-human-filter");
    }

    @Test
    void theServerHoldsTheUserItsGroupsAndItsActiveFlag() throws Exception {
        ((CreateOp) connector).create(identity, attributes());
        ((EntitlementOp) connector).addEntitlement(identity, "crm-users");
        ((EntitlementOp) connector).addEntitlement(identity, "crm-users");
        ((EnableOp) connector).disable(identity);

        var user = server().userByExternalId(identity).orElseThrow();
        assertThat(user.getUserName()).contains(userName);
        assertThat(user.isActive()).contains(false);
        assertThat(user.getEnterpriseUser().flatMap(e -> e.getEmployeeNumber())).contains(identity);
        assertThat(server().groupsOf(user.getId().orElseThrow())).containsExactly("crm-users");
        long members = server().groups().values().stream().filter(g -> g.getDisplayName().orElse("").equals("crm-users"))
            .findFirst().orElseThrow().getMembers().stream()
            .filter(m -> m.getValue().orElse("").equals(user.getId().orElseThrow())).count();
        assertThat(members).isEqualTo(1);
    }

    @Test
    void oauthClientCredentialsGetATokenOnceAndUseItForEveryRequest() throws Exception {
        ScimTargetServer s = server();
        long before = s.tokensIssued();
        Connector oauth = new ScimConnectorFactory().create(TargetSettings.of("crm", "scim", null,
            new ScimSettings(s.baseUrl(), null, null, java.time.Duration.ofSeconds(5), new ScimSettings.OAuth(
                s.tokenUrl(), ScimTargetServer.CLIENT_ID, ScimTargetServer.CLIENT_SECRET, "scim"), null, null)));
        try {
            ((CreateOp) oauth).create(identity, attributes());
            ((EntitlementOp) oauth).addEntitlement(identity, "oauth-users");
            assertThat(((ReadOp) oauth).read(identity).orElseThrow().entitlements()).containsExactly("oauth-users");
            assertThat(s.tokensIssued() - before).isEqualTo(1);
        } finally {
            oauth.close();
        }
        Connector wrong = new ScimConnectorFactory().create(TargetSettings.of("crm", "scim", null,
            new ScimSettings(s.baseUrl(), null, null, java.time.Duration.ofSeconds(5), new ScimSettings.OAuth(
                s.tokenUrl(), ScimTargetServer.CLIENT_ID, "not-the-secret-0123456789", null), null, null)));
        try {
            assertThatThrownBy(() -> ((ReadOp) wrong).read(identity)).isInstanceOf(ConnectorException.class)
                .isNotInstanceOf(RetryableConnectorException.class).hasMessageContaining("refused client");
        } finally {
            wrong.close();
        }
    }

    @Test
    void aWrongTokenIsRefusedForGoodAndAnOutageIsRetryable() throws Exception {
        Connector wrong = connect(server().baseUrl(), "not-the-token-0123456789");
        try {
            assertThatThrownBy(() -> ((CreateOp) wrong).create(identity, attributes()))
                .isInstanceOf(ConnectorException.class).isNotInstanceOf(RetryableConnectorException.class)
                .hasMessageContaining("401");
        } finally {
            wrong.close();
        }
        server().setDown(true);
        try {
            assertThatThrownBy(() -> ((CreateOp) connector).create(identity, attributes()))
                .isInstanceOf(RetryableConnectorException.class);
        } finally {
            server().setDown(false);
        }
        Connector nowhere = connect("http://127.0.0.1:1/scim/v2", ScimTargetServer.TOKEN);
        try {
            assertThatThrownBy(() -> ((EnableOp) nowhere).disable(identity)).isInstanceOf(RetryableConnectorException.class);
        } finally {
            nowhere.close();
        }
    }

    @Test
    void aUserNameTakenByAnotherAccountIsAConflictNotARetry() throws Exception {
        ((CreateOp) connector).create(identity, attributes());

        assertThatThrownBy(() -> ((CreateOp) connector).create("OTHER-" + identity,
            Map.of("userName", userName, "employeeNumber", "OTHER-" + identity)))
            .isInstanceOf(ConnectorException.class).isNotInstanceOf(RetryableConnectorException.class)
            .hasMessageContaining("409");
    }

    /** {@code count} users made in the application (one POST each, for speed), their identities in order. */
    private java.util.List<String> users(int count) throws Exception {
        java.util.List<String> made = new java.util.ArrayList<>();
        var http = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < count; i++) {
            String en = identity + "-" + i;
            String body = """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "%s-%d", "externalId": "%s",
                 "active": true}""".formatted(userName, i, en);
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server().baseUrl() + "/Users"))
                .header("Authorization", "Bearer " + ScimTargetServer.TOKEN).header("Content-Type", "application/scim+json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            made.add(en);
        }
        return made;
    }

    private static long membersOf(String group) throws Exception {
        return server().groups().values().stream().filter(g -> g.getDisplayName().orElse("").equals(group))
            .findFirst().orElseThrow().getMembers().size();
    }

    @Test
    void aWaveOfJoinersJoinsAGroupInAFewRequestsAWaveOfLeaversLeavesItSoAndNoChangeCarriesItsMembers() throws Exception {
        String group = "everyone-" + identity;
        java.util.List<String> joiners = users(101);
        EntitlementBatchOp batch = (EntitlementBatchOp) connector;

        long before = server().requests();
        assertThat(batch.addEntitlementToAll(group, joiners)).isEmpty();
        // three user searches (50 at a time), the group looked up, then per 50: whether any is a member, and one
        // PATCH (the first 50 make the group); one at a time it was three requests a member, 303
        assertThat(server().requests() - before).as("requests for 101 members").isLessThanOrEqualTo(10);
        assertThat(membersOf(group)).isEqualTo(101);

        // once more, as a retried batch: nobody is added twice
        assertThat(batch.addEntitlementToAll(group, joiners.subList(0, 10))).isEmpty();
        assertThat(membersOf(group)).isEqualTo(101);

        // one more member, and one removed: neither reads the group's 101 members, nor gets them back
        String late = identity + "-late";
        ((CreateOp) connector).create(late, Map.of("userName", userName + "-late", "employeeNumber", late));
        long sent = server().bytesSent();
        ((EntitlementOp) connector).addEntitlement(late, group);
        ((EntitlementOp) connector).removeEntitlement(joiners.get(0), group);
        assertThat(server().bytesSent() - sent).as("bytes the server sent for an addition and a removal")
            .isLessThan(101 * 40);
        assertThat(membersOf(group)).isEqualTo(101);
        assertThat(((ReadOp) connector).read(late).orElseThrow().entitlements()).containsExactly(group);
        assertThat(((ReadOp) connector).read(joiners.get(0)).orElseThrow().entitlements()).isEmpty();

        // the other hundred leave at once: two user searches, the group looked up, two PATCHes
        before = server().requests();
        assertThat(batch.removeEntitlementFromAll(group, joiners.subList(1, 101))).isEmpty();
        assertThat(server().requests() - before).as("requests for 100 removals").isLessThanOrEqualTo(5);
        assertThat(membersOf(group)).isEqualTo(1);
        assertThat(((ReadOp) connector).read(late).orElseThrow().entitlements()).containsExactly(group);
    }

    @Test
    void manyAccountsReadBackAtOnceAsEachReadsAlone() throws Exception {
        java.util.List<String> people = users(60);
        String group = "read-" + identity;
        ((EntitlementOp) connector).addEntitlement(people.get(55), group);
        ((EnableOp) connector).disable(people.get(3));
        java.util.List<String> asked = new java.util.ArrayList<>(people);
        asked.add("NOBODY-" + identity);

        long before = server().requests();
        var all = ((ReadOp) connector).readAll(asked);
        long requests = server().requests() - before;

        for (String i : asked) {
            assertThat(all.get(i)).as(i).isEqualTo(((ReadOp) connector).read(i));
        }
        assertThat(all.get(people.get(55)).orElseThrow().entitlements()).containsExactly(group);
        assertThat(all.get(people.get(3)).orElseThrow().enabled()).isFalse();
        // the users 50 at a time (the unknown one asked again alone), one group search per 50; only the ten of
        // the batch where it found a member are read one by one
        assertThat(requests).as("requests to read 61 accounts back").isLessThanOrEqualTo(2 + 1 + 2 + 10);
    }

    @Test
    void aServerThatTakesNoOrInAFilterIsAskedOneUserAtATime() throws Exception {
        String group = "no-or-" + identity;
        java.util.List<String> joiners = users(5);
        try {
            server().setRefusesOr(true);
            java.util.Map<String, ConnectorException> failed = ((EntitlementBatchOp) connector).addEntitlementToAll(group,
                java.util.List.of(joiners.get(0), joiners.get(1), "NOBODY-" + identity));
            assertThat(failed).containsOnlyKeys("NOBODY-" + identity);
            assertThat(((EntitlementBatchOp) connector).addEntitlementToAll(group, joiners)).isEmpty();
            assertThat(((EntitlementBatchOp) connector).addEntitlementToAll(group, joiners)).isEmpty();
        } finally {
            server().setRefusesOr(false);
        }
        assertThat(membersOf(group)).isEqualTo(5);
    }

    @Test
    void aWaveOfCreatesAndDisablesFindsItsUsersTogether() throws Exception {
        java.util.List<String> leavers = users(30);
        java.util.List<String> joiners = java.util.stream.IntStream.range(0, 30).mapToObj(i -> identity + "-new-" + i).toList();
        java.util.List<String> wave = new java.util.ArrayList<>(leavers);
        wave.addAll(joiners);

        long before = server().requests();
        ((LookAheadOp) connector).lookAhead(wave);
        for (int i = 0; i < joiners.size(); i++) {
            ((CreateOp) connector).create(joiners.get(i), Map.of("userName", userName + "-new-" + i, "employeeNumber",
                joiners.get(i)));
        }
        for (String leaver : leavers) {
            ((EnableOp) connector).disable(leaver);
        }
        ((LookAheadOp) connector).forget();
        // two searches for the 60 (50 at a time), then one request each; found one by one it was two each, 120
        assertThat(server().requests() - before).as("requests for 30 creates and 30 disables").isLessThanOrEqualTo(2 + 60);
        for (String joiner : joiners) {
            assertThat(server().userByExternalId(joiner)).as(joiner).hasValueSatisfying(u ->
                assertThat(u.isActive()).contains(true));
        }
        for (String leaver : leavers) {
            assertThat(server().userByExternalId(leaver)).as(leaver).hasValueSatisfying(u ->
                assertThat(u.isActive()).contains(false));
        }
        assertThat(server().users().values().stream().filter(u -> joiners.contains(u.getExternalId().orElse(""))))
            .hasSize(30);
    }

    @Test
    void whatChangedSinceALookAheadIsFoundAgain() throws Exception {
        java.util.List<String> two = users(2);
        String made = identity + "-made";
        ((LookAheadOp) connector).lookAhead(java.util.List.of(two.get(0), two.get(1), made));
        // since: one user deleted, and the other made by hand with the userName Roster will create it with
        var http = java.net.http.HttpClient.newHttpClient();
        var deleted = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server().baseUrl() + "/Users/"
                + server().userByExternalId(two.get(0)).orElseThrow().getId().orElseThrow()))
            .header("Authorization", "Bearer " + ScimTargetServer.TOKEN).DELETE().build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
        var posted = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server().baseUrl() + "/Users"))
            .header("Authorization", "Bearer " + ScimTargetServer.TOKEN).header("Content-Type", "application/scim+json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("""
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "%s-made", "externalId": "%s",
                 "active": false}""".formatted(userName, made))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);

        ((EnableOp) connector).disable(two.get(0)); // gone: nothing to disable
        ((CreateOp) connector).create(made, Map.of("userName", userName + "-made", "employeeNumber", made, "title", "Made"));
        ((EnableOp) connector).disable(two.get(1));
        ((LookAheadOp) connector).forget();

        assertThat(server().userByExternalId(two.get(0))).isEmpty();
        assertThat(server().users().values().stream().filter(u -> u.getExternalId().orElse("").equals(made)))
            .as("the user made by hand, adopted, not made twice").singleElement().satisfies(u -> {
                assertThat(u.isActive()).contains(true);
                assertThat(u.getTitle()).contains("Made");
            });
        assertThat(server().userByExternalId(two.get(1)).orElseThrow().isActive()).contains(false);
    }

    @Test
    void membersPerRequestIsBounded() {
        assertThatThrownBy(() -> new ScimSettings("http://127.0.0.1:1/scim/v2", "t", null, null, null, null, 0))
            .hasMessageContaining("scim.members-per-request");
        assertThatThrownBy(() -> new ScimSettings("http://127.0.0.1:1/scim/v2", "t", null, null, null, null, 101))
            .hasMessageContaining("scim.members-per-request");
        assertThat(new ScimSettings("http://127.0.0.1:1/scim/v2", "t", null, null, null, null, null).membersPerRequest())
            .isEqualTo(50);
    }
}
