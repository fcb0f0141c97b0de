package org.roster.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * SAP's third-party SCIM compliance suite ({@code com.sap.scimono:scimono-compliance-tests}), run as
 * its own process against Roster, restricted to the RFC-generic tests that apply to an HR inbound
 * service (docs/scim.md lists them, and why the others are left out). The suite authenticates with
 * OAuth client credentials; a token endpoint on loopback hands it Roster's API token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ScimConformanceTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:conformance;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class ScimConformanceTests {

    static final String TOKEN = "conformance-token-0123456789abcdef";
    private static final String PACKAGE = "com.sap.scimono.scim.system.tests.";

    /** The selected tests, by class. */
    static final Map<String, List<String>> SELECTED = new LinkedHashMap<>();

    static {
        SELECTED.put("SCIMHttpResponseCodeTest", List.of("testGetMissingResource404"));
        SELECTED.put("SchemaOperationsHttpResponseCodeTest", List.of("testGetSchemaWithNonExistingId404"));
        SELECTED.put("UserOperationsHttpResponseCodeTest", List.of("testGetAllUsers200",
            "testGetUserNonExistingId404", "testUpdateUserWithNonExistingId404", "testDeleteUserWithNonExistingId404",
            "testPatchUserWithNonExistingId404", "testCreateUserWithMissingExtensionSchemaInSchemasAttribute400"));
    }

    @LocalServerPort
    int port;

    @Test
    void selectedRfcGenericComplianceTestsPass() throws Exception {
        Path jar = Path.of("target/scimono/scimono-compliance-tests.jar");
        assertThat(jar).as("downloaded by maven-dependency-plugin at generate-test-resources").exists();
        Path run = Files.createDirectories(Path.of("target/scimono/run-" + System.nanoTime()));
        StringBuilder selection = new StringBuilder();
        SELECTED.forEach((cls, methods) -> selection.append(PACKAGE).append(cls).append('=')
            .append(String.join(",", methods)).append('\n'));
        Files.writeString(run.resolve("tests.properties"), selection);

        HttpServer tokens = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokens.createContext("/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"access_token\": \"" + TOKEN + "\", \"token_type\": \"bearer\", \"expires_in\": 3600}")
                .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        tokens.start();
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process suite = new ProcessBuilder(java,
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "-jar", jar.toAbsolutePath().toString(),
                "scim.service.url=http://127.0.0.1:" + port + "/scim/v2",
                "auth.type=Oauth",
                "oauth.service.url=http://127.0.0.1:" + tokens.getAddress().getPort() + "/token",
                "oauth.clientId=roster-conformance", "oauth.secret=unused", "oauth.grant=client_credentials",
                "tests.file.path=" + run.resolve("tests.properties").toAbsolutePath())
                .directory(run.toFile())
                .redirectErrorStream(true).redirectOutput(run.resolve("suite.log").toFile())
                .start();
            assertThat(suite.waitFor(5, TimeUnit.MINUTES)).as("the suite finishes").isTrue();
        } finally {
            tokens.stop(0);
        }

        Map<String, String> results = results(run.resolve("TEST-junit-jupiter.xml").toFile());
        int expected = SELECTED.values().stream().mapToInt(List::size).sum();
        assertThat(results).as("see " + run.resolve("suite.log")).hasSize(expected);
        assertThat(results).as("see " + run.resolve("suite.log")).allSatisfy((test, outcome) ->
            assertThat(outcome).as(test).isEqualTo("passed"));
    }

    /** Each test case of the suite's JUnit XML report: passed, or what went wrong. */
    private static Map<String, String> results(File xml) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml);
        NodeList cases = doc.getElementsByTagName("testcase");
        Map<String, String> results = new LinkedHashMap<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            String outcome = "passed";
            for (String bad : List.of("failure", "error", "skipped")) {
                NodeList n = c.getElementsByTagName(bad);
                if (n.getLength() > 0) {
                    outcome = bad + ": " + ((Element) n.item(0)).getAttribute("message");
                }
            }
            results.put(c.getAttribute("classname").replace(PACKAGE, "") + "." + c.getAttribute("name"), outcome);
        }
        return results;
    }
}
