package org.roster.authzen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.roster.support.Api;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The AuthZEN working group's interop decision vectors of the "todo" scenario
 * (src/test/resources/authzen/, copied from ../shared/authzen/, MIT): every request is sent to
 * Roster's decision point, loaded with a test policy written as configuration (the scenario's users
 * with their roles, by their identity and their e-mail, and its five permissions as rules), and
 * every answer must be the expected one. Draft 00 gives the todo's owner outside {@code properties};
 * the rules read it where each draft puts it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + AuthzenInteropTests.ADMIN,
    "roster.store.url=jdbc:h2:mem:authzen-interop;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.api.tokens[0].name=todo-backend", "roster.api.tokens[0].roles=pep",
    "roster.api.tokens[0].token=" + AuthzenInteropTests.PEP,
    "roster.authzen.subjects[CiRmZDA2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].email=rick@the-citadel.com",
    "roster.authzen.subjects[CiRmZDA2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].roles=admin evil_genius",
    "roster.authzen.subjects[rick@the-citadel.com].email=rick@the-citadel.com",
    "roster.authzen.subjects[rick@the-citadel.com].roles=admin evil_genius",
    "roster.authzen.subjects[CiRmZDM2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].email=beth@the-smiths.com",
    "roster.authzen.subjects[CiRmZDM2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].roles=viewer",
    "roster.authzen.subjects[beth@the-smiths.com].email=beth@the-smiths.com",
    "roster.authzen.subjects[beth@the-smiths.com].roles=viewer",
    "roster.authzen.subjects[CiRmZDE2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].email=morty@the-citadel.com",
    "roster.authzen.subjects[CiRmZDE2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].roles=editor",
    "roster.authzen.subjects[morty@the-citadel.com].email=morty@the-citadel.com",
    "roster.authzen.subjects[morty@the-citadel.com].roles=editor",
    "roster.authzen.subjects[CiRmZDI2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].email=summer@the-smiths.com",
    "roster.authzen.subjects[CiRmZDI2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].roles=editor",
    "roster.authzen.subjects[summer@the-smiths.com].email=summer@the-smiths.com",
    "roster.authzen.subjects[summer@the-smiths.com].roles=editor",
    "roster.authzen.subjects[CiRmZDQ2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].email=jerry@the-smiths.com",
    "roster.authzen.subjects[CiRmZDQ2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs].roles=viewer",
    "roster.authzen.subjects[jerry@the-smiths.com].email=jerry@the-smiths.com",
    "roster.authzen.subjects[jerry@the-smiths.com].roles=viewer",
    "roster.authzen.rules[0].name=everyone reads users and todos",
    "roster.authzen.rules[0].when='roles' in subject.properties && (action.name == 'can_read_user'"
        + " || action.name == 'can_read_todos')",
    "roster.authzen.rules[0].decision=true",
    "roster.authzen.rules[1].name=editors and admins create",
    "roster.authzen.rules[1].when=action.name == 'can_create_todo' && (subject.properties.roles.contains('admin')"
        + " || subject.properties.roles.contains('editor'))",
    "roster.authzen.rules[1].decision=true",
    "roster.authzen.rules[2].name=evil geniuses update any todo",
    "roster.authzen.rules[2].when=action.name == 'can_update_todo' && subject.properties.roles.contains('evil_genius')",
    "roster.authzen.rules[2].decision=true",
    "roster.authzen.rules[3].name=admins delete any todo",
    "roster.authzen.rules[3].when=action.name == 'can_delete_todo' && subject.properties.roles.contains('admin')",
    "roster.authzen.rules[3].decision=true",
    "roster.authzen.rules[4].name=editors update and delete their own",
    "roster.authzen.rules[4].when=(action.name == 'can_update_todo' || action.name == 'can_delete_todo')"
        + " && subject.properties.roles.contains('editor')"
        + " && subject.properties.email == ('ownerID' in resource.properties ? resource.properties.ownerID"
        + " : resource.ownerID)",
    "roster.authzen.rules[4].decision=true"})
class AuthzenInteropTests {

    static final String ADMIN = "authzen-interop-admin-token-0123456789";
    static final String PEP = "authzen-interop-pep-token-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(strings = {"00", "01", "02"})
    void everyVectorGetsItsExpectedDecision(String draft) throws Exception {
        JsonNode vectors;
        try (var in = AuthzenInteropTests.class.getResourceAsStream("/authzen/decisions-authorization-api-1_0-" + draft
                + ".json")) {
            vectors = JSON.readTree(java.util.Objects.requireNonNull(in, "the vectors are test resources").readAllBytes());
        }
        Api pep = new Api("http://127.0.0.1:" + port, PEP);
        List<String> wrong = new ArrayList<>();
        int asked = 0;
        for (JsonNode v : vectors.path("evaluation")) {
            Api.Response r = pep.send("POST", "/access/v1/evaluation", "application/json", v.path("request").toString());
            asked++;
            if (r.status() != 200 || r.json().path("decision").asBoolean() != v.path("expected").asBoolean()) {
                wrong.add(v.path("request") + " -> " + r.status() + " " + r.body() + ", expected " + v.path("expected"));
            }
        }
        for (JsonNode v : vectors.path("evaluations")) {
            Api.Response r = pep.send("POST", "/access/v1/evaluations", "application/json", v.path("request").toString());
            asked++;
            List<Boolean> got = new ArrayList<>();
            r.json().path("evaluations").forEach(e -> got.add(e.path("decision").asBoolean()));
            List<Boolean> expected = new ArrayList<>();
            v.path("expected").forEach(e -> expected.add(e.path("decision").asBoolean()));
            if (r.status() != 200 || !got.equals(expected)) {
                wrong.add(v.path("request") + " -> " + r.status() + " " + r.body() + ", expected " + v.path("expected"));
            }
        }
        assertThat(asked).as("vectors read").isGreaterThan(30);
        assertThat(wrong).as("vectors answered wrongly").isEmpty();
    }
}
