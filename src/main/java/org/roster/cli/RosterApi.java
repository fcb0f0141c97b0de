package org.roster.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A running Roster as the commands reach it: the token from {@code ROSTER_TOKEN} (or
 * {@code ROSTER_BOOTSTRAP_TOKEN}), the address from {@code --url}, {@code ROSTER_URL} or
 * {@code http://localhost:8080}, and a JSON call whose failures are said plainly on stderr.
 */
final class RosterApi {

    private RosterApi() {
    }

    static @Nullable String token() {
        return ImportCommand.firstOf(ImportCommand.environment.apply("ROSTER_TOKEN"),
            ImportCommand.environment.apply("ROSTER_BOOTSTRAP_TOKEN"));
    }

    /** The token, or null with the way to give one said on {@code err}. */
    static @Nullable String token(String command, PrintWriter err) {
        String token = token();
        if (token == null) {
            err.println("roster " + command + ": set ROSTER_TOKEN to an API token");
        }
        return token;
    }

    static String base(@Nullable String url) {
        return ImportCommand.firstOf(url, ImportCommand.environment.apply("ROSTER_URL"), "http://localhost:8080");
    }

    /**
     * POSTs a JSON body and reads the JSON answer.
     *
     * @return the answer, or null when Roster could not be reached or did not answer 2xx (said on {@code err})
     */
    static @Nullable JsonNode postJson(String command, String base, String token, String path, String json,
                                       PrintWriter err) throws InterruptedException {
        String body = send(command, base, token, "POST", path, json, err);
        return body == null ? null : json(command, body, err);
    }

    /** GETs a JSON answer; null when it failed (said on {@code err}). */
    static @Nullable JsonNode getJson(String command, String base, String token, String path, PrintWriter err)
        throws InterruptedException {
        String body = send(command, base, token, "GET", path, null, err);
        return body == null ? null : json(command, body, err);
    }

    /**
     * One call; the answer's body when it is 2xx, else null with the problem said on {@code err}.
     *
     * @param json the request body, or null for none
     */
    static @Nullable String send(String command, String base, String token, String method, String path,
                                 @Nullable String json, PrintWriter err) throws InterruptedException {
        HttpResponse<String> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token);
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("roster " + command + ": cannot reach " + base + ": " + e.getMessage());
            return null;
        }
        if (response.statusCode() / 100 != 2) {
            JsonNode problem = ImportCommand.parse(response.body());
            err.println("roster " + command + ": " + response.statusCode() + " "
                + (problem == null ? response.body() : problem.path("detail").asString(response.body())));
            return null;
        }
        return response.body();
    }

    private static @Nullable JsonNode json(String command, String body, PrintWriter err) {
        JsonNode answer = ImportCommand.parse(body);
        if (answer == null) {
            err.println("roster " + command + ": the answer is not JSON: " + body);
        }
        return answer;
    }
}
