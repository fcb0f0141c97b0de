package org.roster.provisioning.scim;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * {@code roster.provisioning.targets[].scim}: a SCIM 2.0 service provider.
 *
 * @param url the SCIM base URL, e.g. {@code https://app.example.com/scim/v2}
 * @param token the bearer token: a secret, an {@code ${ENV_VAR}} reference in the file
 * @param createGroups create a group (by {@code displayName}) on its first member (default true)
 * @param timeout connect and read time-out (default 30s)
 */
public record ScimSettings(String url, @Nullable String token, @Nullable Boolean createGroups,
                           @Nullable Duration timeout) {

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
