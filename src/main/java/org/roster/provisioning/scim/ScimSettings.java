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
 * @param nonHumanFilter a SCIM filter that picks the application's non-person users (service
 *     accounts), e.g. {@code userType eq "service"}: what NHI discovery lists, and the only users
 *     an NHI's disable or delete may touch; without it the target has no non-human accounts
 * @param membersPerRequest the most members one group {@code PATCH} adds or removes, and the most users one
 *     search looks up (default {@value #MEMBERS_PER_REQUEST}, 1 to {@value #MAX_MEMBERS_PER_REQUEST}; 1
 *     sends each member on its own)
 */
public record ScimSettings(String url, @Nullable String token, @Nullable Boolean createGroups,
                           @Nullable Duration timeout, @Nullable OAuth oauth, @Nullable String nonHumanFilter,
                           @Nullable Integer membersPerRequest) {

    /** The default of {@code members-per-request}. */
    public static final int MEMBERS_PER_REQUEST = 50;
    /**
     * The largest {@code members-per-request}: asking whether that many users are members of a group
     * is a filter of that many {@code or}s in the URL, about 7 KB encoded, near the 8 KB many servers take.
     */
    public static final int MAX_MEMBERS_PER_REQUEST = 100;

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
        membersPerRequest = membersPerRequest == null ? MEMBERS_PER_REQUEST : membersPerRequest;
        if (membersPerRequest < 1 || membersPerRequest > MAX_MEMBERS_PER_REQUEST) {
            throw new IllegalArgumentException("scim.members-per-request: " + membersPerRequest + " is not between 1 and "
                + MAX_MEMBERS_PER_REQUEST);
        }
        if (nonHumanFilter != null && !nonHumanFilter.isBlank()) {
            try {
                com.unboundid.scim2.common.filters.Filter.fromString(nonHumanFilter);
            } catch (com.unboundid.scim2.common.exceptions.BadRequestException e) {
                throw new IllegalArgumentException("scim.non-human-filter: '" + nonHumanFilter + "' is not a SCIM filter: "
                    + e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        // never the token
        return "ScimSettings[url=" + url + ", createGroups=" + createGroups + ", timeout=" + timeout
            + ", nonHumanFilter=" + nonHumanFilter + ", membersPerRequest=" + membersPerRequest + "]";
    }
}
