package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.keycloak.KeycloakConnectorFactory;
import org.roster.provisioning.keycloak.KeycloakSettings;
import org.roster.support.Keycloak;
import tools.jackson.databind.JsonNode;

/**
 * The Keycloak connector against a real Keycloak (started once per test run): the connector
 * contract, realm roles, and what makes a leaver's access really gone there: the live session's
 * refresh token is rejected and its access token introspects as inactive.
 */
class KeycloakConnectorTests extends ConnectorContract {

    static final String REALM = "roster-connector";
    private static String secret;

    static synchronized String realm() {
        if (secret == null) {
            Keycloak kc = Keycloak.shared();
            kc.createRealm(REALM);
            kc.allowUsernameEdits(REALM);
            secret = kc.createRosterClient(REALM, "roster");
            kc.createAppClient(REALM, "workforce-app", "roster");
            kc.createRealmRole(REALM, "approver");
        }
        return secret;
    }

    @Override
    protected Connector newConnector() {
        String clientSecret = realm();
        return new KeycloakConnectorFactory().create(new TargetSettings("sso", "keycloak", null, null, null, null, null,
            null, null, null, null, new KeycloakSettings(Keycloak.shared().url(), REALM, "roster", clientSecret, null, null), null));
    }

    @Test
    void aRealmThatKeepsUsernamesFixedRefusesTheRenameSayingWhatToTurnOnAndTakesTheRest() throws Exception {
        Keycloak kc = Keycloak.shared();
        String realm = "roster-fixed-names";
        kc.createRealm(realm); // Keycloak's default: "Edit username" off
        String fixedSecret = kc.createRosterClient(realm, "roster");
        try (Connector c = new KeycloakConnectorFactory().create(new TargetSettings("sso-fixed", "keycloak", null, null, null,
            null, null, null, null, null, null, new KeycloakSettings(kc.url(), realm, "roster", fixedSecret, null, null), null))) {
            ((CreateOp) c).create(identity, attributes());

            assertThatThrownBy(() -> ((UpdateOp) c).update(identity, Map.of("userName", userName + "-renamed",
                "familyName", "Married")))
                .isInstanceOf(ConnectorException.class).isNotInstanceOf(RetryableConnectorException.class)
                .hasMessageContaining("does not let usernames change").hasMessageContaining("editUsernameAllowed");

            TargetAccount account = ((ReadOp) c).read(identity).orElseThrow();
            assertThat(account.attributes()).containsEntry("userName", userName).containsEntry("familyName", "Married");
        }
    }

    @Test
    void realmRolesAreEntitlementsToo() throws Exception {
        ((CreateOp) connector).create(identity, attributes());

        ((EntitlementOp) connector).addEntitlement(identity, "role:approver");
        assertThat(((ReadOp) connector).read(identity).orElseThrow().entitlements()).containsExactly("role:approver");

        ((EntitlementOp) connector).removeEntitlement(identity, "role:approver");
        assertThat(((ReadOp) connector).read(identity).orElseThrow().entitlements()).isEmpty();
    }

    @Test
    void disablingEndsTheLiveSessionSoItsTokensStopWorking() throws Exception {
        Keycloak kc = Keycloak.shared();
        ((CreateOp) connector).create(identity, attributes());
        JsonNode user = kc.user(REALM, userName);
        kc.setPassword(REALM, user.path("id").asString(), "user-password-0123");
        JsonNode tokens = kc.login(REALM, "workforce-app", userName, "user-password-0123");
        assertThat(kc.introspect(REALM, "roster", secret, tokens.path("access_token").asString())).isTrue();
        assertThat(((SessionsOp) connector).liveSessions(identity)).isEqualTo(1);

        ((EnableOp) connector).disable(identity);

        HttpResponse<String> refresh = kc.refresh(REALM, "workforce-app", tokens.path("refresh_token").asString());
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(refresh.body()).contains("invalid_grant");
        assertThat(kc.introspect(REALM, "roster", secret, tokens.path("access_token").asString())).isFalse();
        assertThat(((SessionsOp) connector).liveSessions(identity)).isZero();
        assertThat(((ReadOp) connector).read(identity).orElseThrow().enabled()).isFalse();
    }

    @Test
    void theRealmsTokenLifetimesCanBeRead() throws Exception {
        assertThat(((PostureOp) connector).lifetimes()).containsKey("accessTokenLifespan")
            .containsKey("ssoSessionMaxLifespan");
    }
}
