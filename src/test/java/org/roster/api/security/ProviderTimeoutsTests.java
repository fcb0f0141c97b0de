package org.roster.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserRequest;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;

/**
 * The sign-in's calls to the OpenID provider that Spring Security makes without a time-out of its own
 * (the code-for-token exchange, the user-info read) have one: a provider that stops answering fails
 * the sign-in instead of holding its server thread. Against a provider on loopback that answers, and
 * one that takes the request and never answers.
 */
class ProviderTimeoutsTests {

    private static HttpServer provider;
    private static String base;
    private static final String REDIRECT = "http://127.0.0.1/login/oauth2/code/oidc";

    @BeforeAll
    static void start() throws IOException {
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        provider.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        provider.createContext("/ok/token", e -> json(e, "{\"access_token\": \"at\", \"token_type\": \"Bearer\", \"expires_in\": 300}"));
        provider.createContext("/ok/userinfo", e -> json(e, "{\"sub\": \"alice\", \"email\": \"alice@example.com\"}"));
        provider.createContext("/hung", e -> {
            try {
                Thread.sleep(20_000); // takes the request, answers nothing
            } catch (InterruptedException gone) {
                Thread.currentThread().interrupt();
            }
            e.close();
        });
        provider.start();
        base = "http://127.0.0.1:" + provider.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        provider.stop(0);
    }

    private static void json(HttpExchange e, String body) throws IOException {
        e.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", "application/json");
        e.sendResponseHeaders(200, bytes.length);
        e.getResponseBody().write(bytes);
        e.close();
    }

    private static ClientRegistration registration(String prefix) {
        return ClientRegistration.withRegistrationId(OidcSignIn.REGISTRATION).clientId("roster").clientSecret("secret")
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).redirectUri(REDIRECT).scope("openid")
            .authorizationUri(base + prefix + "/auth").tokenUri(base + prefix + "/token")
            .userInfoUri(base + prefix + "/userinfo").userNameAttributeName("sub").build();
    }

    private static OAuth2AuthorizationCodeGrantRequest grant(String prefix) {
        OAuth2AuthorizationRequest asked = OAuth2AuthorizationRequest.authorizationCode().authorizationUri(base + prefix + "/auth")
            .clientId("roster").redirectUri(REDIRECT).state("state").build();
        OAuth2AuthorizationResponse answered = OAuth2AuthorizationResponse.success("code").redirectUri(REDIRECT)
            .state("state").build();
        return new OAuth2AuthorizationCodeGrantRequest(registration(prefix), new OAuth2AuthorizationExchange(asked, answered));
    }

    private static OAuth2UserRequest userRequest(String prefix) {
        return new OAuth2UserRequest(registration(prefix), new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at",
            Instant.now(), Instant.now().plusSeconds(300)));
    }

    @Test
    void aProviderThatAnswersIsReadAsSpringSecurityReadsIt() {
        assertThat(OidcSignIn.tokenClient(Duration.ofSeconds(5)).getTokenResponse(grant("/ok")).getAccessToken()
            .getTokenValue()).isEqualTo("at");
        assertThat(OidcSignIn.userInfo(Duration.ofSeconds(5)).loadUser(userRequest("/ok")).getName()).isEqualTo("alice");
    }

    @Test
    void aProviderThatStopsAnsweringFailsTheSignInWithinTheTimeOut() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> OidcSignIn.tokenClient(Duration.ofMillis(500)).getTokenResponse(grant("/hung")))
            .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> OidcSignIn.userInfo(Duration.ofMillis(500)).loadUser(userRequest("/hung")))
            .isInstanceOf(RuntimeException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("two calls of 0.5 s each, and a little more")
            .isLessThan(Duration.ofSeconds(5));
        assertThat(OidcSignIn.PROVIDER_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
    }
}
