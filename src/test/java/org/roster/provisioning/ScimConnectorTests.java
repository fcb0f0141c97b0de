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
            new ScimSettings(url, token, null, java.time.Duration.ofSeconds(5), null)));
    }

    @Override
    protected Connector newConnector() throws Exception {
        return connect(server().baseUrl(), ScimTargetServer.TOKEN);
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
                s.tokenUrl(), ScimTargetServer.CLIENT_ID, ScimTargetServer.CLIENT_SECRET, "scim"))));
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
                s.tokenUrl(), ScimTargetServer.CLIENT_ID, "not-the-secret-0123456789", null))));
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
}
