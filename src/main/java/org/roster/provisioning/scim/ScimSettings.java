package org.roster.provisioning.scim;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code roster.provisioning.targets[].scim}: a SCIM 2.0 service provider.
 *
 * @param url the SCIM base URL, e.g. {@code https://app.example.com/scim/v2}
 * @param token a static bearer token: a secret, an {@code ${ENV_VAR}} reference; or use {@code oauth}
 * @param createGroups create a group (by {@code displayName}) on its first member (default true)
 * @param timeout connect and read time-out (default 30s)
 * @param oauth OAuth 2.0 client credentials, instead of a static token
 */
public record ScimSettings(String url, @Nullable String token, @Nullable Boolean createGroups,
                           @Nullable Duration timeout, @Nullable OAuth oauth) {

    /**
     * The client credentials grant (RFC 6749 §4.4): Roster gets its access token from the token
     * endpoint, and a new one before it expires.
     *
     * @param clientSecret a secret: an {@code ${ENV_VAR}} reference
     * @param scope space-separated scopes to ask for, if the server wants some
     */
    public record OAuth(String tokenUrl, String clientId, @Nullable String clientSecret, @Nullable String scope) {
        @Override
        public String toString() {
            return "OAuth[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", scope=" + scope + "]";
        }
    }

    public ScimSettings {
        createGroups = createGroups == null || createGroups;
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    }

    @Override
    public String toString() {
        // never the token
        return "ScimSettings[url=" + url + ", createGroups=" + createGroups + ", timeout=" + timeout + "]";
    }
}
