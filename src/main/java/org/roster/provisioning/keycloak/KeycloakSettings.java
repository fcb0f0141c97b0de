package org.roster.provisioning.keycloak;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code roster.provisioning.targets[].keycloak}: a Keycloak realm, reached as a confidential client
 * with a service account holding the {@code realm-management} roles {@code manage-users},
 * {@code view-users}, {@code query-groups} and {@code view-realm} (and nothing else).
 *
 * @param url the server, e.g. {@code https://sso.example.com}
 * @param realm the realm whose users Roster manages
 * @param clientId the confidential client with the service account
 * @param clientSecret its secret: an {@code ${ENV_VAR}} reference
 * @param createGroups create a group on its first member (default true)
 * @param timeout connect and response time-out (default 10s)
 */
public record KeycloakSettings(String url, String realm, String clientId, @Nullable String clientSecret,
                               @Nullable Boolean createGroups, @Nullable Duration timeout) {

    public KeycloakSettings {
        createGroups = createGroups == null || createGroups;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
    }

    @Override
    public String toString() {
        return "KeycloakSettings[url=" + url + ", realm=" + realm + ", clientId=" + clientId + "]"; // never the secret
    }
}
