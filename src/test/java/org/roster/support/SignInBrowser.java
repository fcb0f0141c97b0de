package org.roster.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a browser does in the OpenID Connect authorization code flow, done with a plain HTTP client
 * and a cookie jar: go to Roster's sign-in, follow it to the provider's login form, post the
 * password, follow the code back to Roster, and from then on send the session cookie.
 */
public final class SignInBrowser {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new LoopbackIsSecure())
        .followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * Browsers treat loopback as a secure context and send {@code Secure} cookies to it over plain
     * HTTP (Keycloak marks its login cookies Secure even then); Java's cookie jar does not, so the
     * flag is dropped for loopback hosts here, as a browser would behave.
     */
    private static final class LoopbackIsSecure extends java.net.CookieHandler {
        private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

        @Override
        public java.util.Map<String, java.util.List<String>> get(URI uri, java.util.Map<String, java.util.List<String>> headers)
                throws IOException {
            return jar.get(uri, headers);
        }

        @Override
        public void put(URI uri, java.util.Map<String, java.util.List<String>> headers) throws IOException {
            java.util.Map<String, java.util.List<String>> out = new java.util.HashMap<>();
            headers.forEach((k, v) -> out.put(k, k != null && k.equalsIgnoreCase("Set-Cookie") && uri.getHost().equals("127.0.0.1")
                ? v.stream().map(c -> c.replaceAll("(?i);\\s*Secure", "")).toList() : v));
            jar.put(uri, out);
        }
    }
    private final String roster;

    public SignInBrowser(String roster) {
        this.roster = roster;
    }

    /**
     * Signs in through the provider's login form.
     *
     * @return Roster's answer at the end of the flow (after its redirect, the page it sends to)
     */
    public Api.Response signIn(String userName, String password) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(roster + "/oauth2/authorization/oidc")).GET());
        r = followWhileRedirected(r);
        Matcher action = FORM_ACTION.matcher(r.body());
        if (!action.find()) {
            throw new IllegalStateException("no login form at the provider (" + r.statusCode() + "): " + r.body());
        }
        String form = "username=" + URLEncoder.encode(userName, StandardCharsets.UTF_8) + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&credentialId=";
        r = send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
            .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        r = followWhileRedirected(r);
        return new Api.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    public Api.Response get(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(roster + path)).GET());
        return new Api.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** A state-changing request with the session cookie, and the CSRF token when given. */
    public Api.Response post(String path, String json, @Nullable String csrf) {
        return write("POST", path, json, csrf);
    }

    public Api.Response put(String path, String json, @Nullable String csrf) {
        return write("PUT", path, json, csrf);
    }

    private Api.Response write(String method, String path, String json, @Nullable String csrf) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(roster + path)).header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json));
        if (csrf != null) {
            b.header("X-CSRF-TOKEN", csrf);
        }
        HttpResponse<String> r = send(b);
        return new Api.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    private HttpResponse<String> followWhileRedirected(HttpResponse<String> r) {
        for (int i = 0; i < 10 && r.statusCode() / 100 == 3; i++) {
            URI next = r.uri().resolve(r.headers().firstValue("Location").orElseThrow());
            r = send(HttpRequest.newBuilder(next).GET());
        }
        return r;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
