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

    static String base(@Nullable String url) {
        return ImportCommand.firstOf(url, ImportCommand.environment.apply("ROSTER_URL"), "http://localhost:8080");
    }

    /**
     * POSTs a JSON body and reads the JSON answer.
     *
     * @return the answer, or null when Roster could not be reached or did not answer 200 (said on {@code err})
     */
    static @Nullable JsonNode postJson(String command, String base, String token, String path, String json,
                                       PrintWriter err) throws InterruptedException {
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("roster " + command + ": cannot reach " + base + ": " + e.getMessage());
            return null;
        }
        JsonNode answer = ImportCommand.parse(response.body());
        if (response.statusCode() != 200 || answer == null) {
            err.println("roster " + command + ": " + response.statusCode() + " "
                + (answer == null ? response.body() : answer.path("detail").asString(response.body())));
            return null;
        }
        return answer;
    }
}
