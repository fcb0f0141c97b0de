package org.roster.principals;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.sign-in}: people signing in with OpenID Connect (any provider: Entra ID, Okta,
 * Keycloak). Without {@code issuer} nobody signs in and only API tokens act.
 *
 * @param issuer the provider's issuer URL; its discovery document is read at the first sign-in
 * @param clientId Roster's client at the provider (authorization code flow, confidential)
 * @param clientSecret its secret: an {@code ${ENV_VAR}} reference
 * @param scopes asked for (default {@code openid, profile, email})
 * @param nameClaim the claim naming the principal in Roster (default {@code preferred_username})
 * @param identityClaim the claim that links the person to their HR record (default {@code email})
 * @param identityAttribute the HR field that claim is compared with: {@code employeeNumber},
 *     {@code userName} or {@code email} (default {@code email})
 * @param requireHrIdentity refuse people no active HR record matches (default true); false lets
 *     people outside HR (an external auditor) sign in with the roles given to them
 * @param groupsClaim the claim listing the person's groups (default {@code groups})
 * @param groupRoles IdP group to Roster roles, e.g. {@code roster-operators: [operator]}
 */
@ConfigurationProperties("roster.sign-in")
public record SignInSettings(@Nullable String issuer, @Nullable String clientId, @Nullable String clientSecret,
                             @Nullable List<String> scopes, @Nullable String nameClaim, @Nullable String identityClaim,
                             @Nullable IdentityAttribute identityAttribute, @Nullable Boolean requireHrIdentity,
                             @Nullable String groupsClaim, @Nullable Map<String, List<String>> groupRoles) {

    /** The HR field a person's identity claim is compared with. */
    public enum IdentityAttribute { EMPLOYEE_NUMBER, USER_NAME, EMAIL }

    public SignInSettings {
        scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "profile", "email") : List.copyOf(scopes);
        nameClaim = nameClaim == null ? "preferred_username" : nameClaim;
        identityClaim = identityClaim == null ? "email" : identityClaim;
        identityAttribute = identityAttribute == null ? IdentityAttribute.EMAIL : identityAttribute;
        requireHrIdentity = requireHrIdentity == null || requireHrIdentity;
        groupsClaim = groupsClaim == null ? "groups" : groupsClaim;
        groupRoles = groupRoles == null ? Map.of() : Map.copyOf(groupRoles);
    }

    public boolean enabled() {
        return issuer != null && !issuer.isBlank();
    }
}
