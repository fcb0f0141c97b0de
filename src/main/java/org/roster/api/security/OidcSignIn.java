package org.roster.api.security;

import org.roster.principals.ApiTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.principals.Principal;
import org.roster.principals.Principals;
import org.roster.principals.Role;
import org.roster.principals.SignInSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Signing in with OpenID Connect (authorization code flow) at {@code /oauth2/authorization/oidc}.
 * The provider's discovery document is read at the first sign-in, not at start, so Roster starts
 * and revokes access while the IdP is down; a failed read is tried again at most every 30 seconds.
 * After the provider vouches for the person, Roster links them to their HR record and gives them
 * the roles their groups map to (see {@link Principals}); a person HR says has left is refused.
 */
final class OidcSignIn {

    static final String REGISTRATION = "oidc";
    private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);

    private final SignInSettings settings;
    private final Principals principals;
    private volatile @Nullable ClientRegistration registration;
    private volatile Instant nextTry = Instant.EPOCH;

    private final ApiTokens tokens;

    OidcSignIn(SignInSettings settings, Principals principals, ApiTokens tokens) {
        this.settings = settings;
        this.principals = principals;
        this.tokens = tokens;
        if (settings.clientId() == null || settings.clientId().isBlank()) {
            throw new IllegalStateException("roster.sign-in.client-id: required with roster.sign-in.issuer");
        }
    }

    ClientRegistrationRepository registrations() {
        return id -> REGISTRATION.equals(id) ? registration() : null;
    }

    private @Nullable ClientRegistration registration() {
        ClientRegistration known = registration;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (registration == null && Instant.now().isAfter(nextTry)) {
                try {
                    registration = ClientRegistrations.fromIssuerLocation(settings.issuer())
                        .registrationId(REGISTRATION)
                        .clientId(settings.clientId())
                        .clientSecret(settings.clientSecret())
                        .scope(settings.scopes())
                        .userNameAttributeName(settings.nameClaim())
                        .build();
                    log.info("OpenID Connect sign-in through {}", settings.issuer());
                } catch (RuntimeException e) {
                    nextTry = Instant.now().plus(Duration.ofSeconds(30));
                    log.warn("The OpenID provider {} could not be read ({}); sign-in is unavailable, tried again in 30 s",
                        settings.issuer(), e.getMessage());
                }
            }
            return registration;
        }
    }

    /**
     * How long a call to the provider may wait to connect, and then for each read of its answer: what
     * Spring Security gives its own discovery and key-set reads. Its token and user-info calls have no
     * time-out of their own, and a provider that hung would hold the server threads of everyone
     * signing in, until none was left for the API.
     */
    static final Duration PROVIDER_TIMEOUT = Duration.ofSeconds(30);

    /** The code-for-token exchange, with {@link #PROVIDER_TIMEOUT}. */
    static org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient<
        org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest> tokenClient(Duration timeout) {
        var client = new org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient();
        // as Spring Security builds its own, with a request factory that waits at most the time-out
        client.setRestClient(org.springframework.web.client.RestClient.builder().requestFactory(requests(timeout))
            .configureMessageConverters(c -> c
                .addCustomConverter(new org.springframework.http.converter.FormHttpMessageConverter())
                .addCustomConverter(new org.springframework.security.oauth2.core.http.converter
                    .OAuth2AccessTokenResponseHttpMessageConverter()))
            .defaultStatusHandler(new org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler())
            .build());
        return client;
    }

    /** The user-info read, with {@code timeout}. */
    static org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService userInfo(Duration timeout) {
        var service = new org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService();
        var rest = new org.springframework.web.client.RestTemplate(requests(timeout));
        rest.setErrorHandler(new org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler());
        service.setRestOperations(rest);
        return service;
    }

    private static org.springframework.http.client.SimpleClientHttpRequestFactory requests(Duration timeout) {
        var factory = new org.springframework.http.client.SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(timeout);
        factory.setReadTimeout(timeout);
        return factory;
    }

    /** Loads the person from the ID token and user info, then links and checks them against HR. */
    OAuth2UserService<OidcUserRequest, OidcUser> users() {
        OidcUserService delegate = new OidcUserService();
        delegate.setOauth2UserService(userInfo(PROVIDER_TIMEOUT));
        return request -> {
            OidcUser user = delegate.loadUser(request);
            String name = user.getClaimAsString(settings.nameClaim());
            if (name == null || name.isBlank()) {
                throw refused("the sign-in has no '" + settings.nameClaim() + "' claim (roster.sign-in.name-claim)");
            }
            if (tokens.find(name).isPresent()) {
                // one name, one principal: the audit must never leave in doubt which acted
                throw refused("the name '" + name + "' is an API token's in Roster; ask an admin");
            }
            Principal principal;
            try {
                principal = principals.signedIn(name, user.getEmail(), claim(user, settings.identityClaim()),
                    roles(user.getClaimAsStringList(settings.groupsClaim())));
            } catch (Principals.SignInRefused e) {
                throw refused(e.getMessage());
            }
            List<SimpleGrantedAuthority> authorities = principal.roles().stream()
                .map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList();
            return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), settings.nameClaim());
        };
    }

    private static @Nullable String claim(OidcUser user, String claim) {
        Object value = user.getClaims().get(claim);
        return value == null ? null : value.toString();
    }

    /** Roles from the IdP's groups, by {@code roster.sign-in.group-roles}; Keycloak's "/group" paths match "group". */
    Set<Role> roles(@Nullable List<String> groups) {
        Set<Role> out = EnumSet.noneOf(Role.class);
        if (groups == null) {
            return out;
        }
        for (String g : groups.stream().limit(1000).toList()) {
            String key = g.startsWith("/") ? g.substring(1) : g;
            List<String> mapped = settings.groupRoles().get(key);
            if (mapped != null) {
                mapped.forEach(r -> Role.fromWire(r).ifPresent(out::add));
            }
        }
        return out;
    }

    private static OAuth2AuthenticationException refused(String why) {
        return new OAuth2AuthenticationException(new OAuth2Error("access_denied", why, null), why);
    }
}
