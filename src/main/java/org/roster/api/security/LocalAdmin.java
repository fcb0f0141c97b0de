package org.roster.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.stereotype.Component;

/**
 * The quick start's console sign-in: a local admin whose password is made at each start and printed
 * once, valid until Roster stops. On only where {@code roster.console.local-admin} is true (the
 * embedded quick start sets it); a deployment signs people in with OpenID Connect.
 */
@Component
public class LocalAdmin implements AuthenticationProvider, ApplicationListener<WebServerInitializedEvent> {

    /** The principal name the local admin acts as. */
    public static final String NAME = "local-admin";
    static final String AUTHORITY = "LOCAL_ADMIN";
    private static final Logger log = LoggerFactory.getLogger(LocalAdmin.class);

    private final boolean enabled;
    private final @Nullable byte[] hash;
    private @Nullable String password;

    LocalAdmin(Environment environment) {
        this.enabled = environment.getProperty("roster.console.local-admin", Boolean.class, false);
        if (enabled) {
            byte[] random = new byte[15];
            new SecureRandom().nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            hash = sha256(password);
        } else {
            hash = null;
        }
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (enabled && password != null && event.getApplicationContext().getServerNamespace() == null) {
            log.info("Console: http://localhost:{}/ (sign in as {} with the one-time password {}, valid until Roster"
                + " stops)", event.getWebServer().getPort(), NAME, password);
            password = null;
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        byte[] expected = hash;
        Object given = authentication.getCredentials();
        if (expected == null || !NAME.equals(authentication.getName()) || given == null
            || !MessageDigest.isEqual(expected, sha256(given.toString()))) {
            throw new BadCredentialsException("wrong name or password");
        }
        return UsernamePasswordAuthenticationToken.authenticated(NAME, null,
            List.of(new SimpleGrantedAuthority(AUTHORITY)));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
