package org.roster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code roster import FILE}: the command line against a running Roster. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + ImportCommandTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:cli;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory",
    "roster.hr.sources[0].name=export",
    "roster.hr.sources[0].type=snapshot"})
class ImportCommandTests {

    static final String TOKEN = "cli-token-0123456789abcdef";

    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void restoreEnvironment() {
        ImportCommand.environment = System::getenv;
    }

    private int run(Map<String, String> env, String... args) {
        ImportCommand.environment = env::get;
        return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void importPrintsProgressCountsAndTimeTaken() throws Exception {
        Path file = dir.resolve("export.csv");
        StringBuilder csv = new StringBuilder("employeeNumber,userName,department\n");
        for (int i = 0; i < 50; i++) {
            csv.append("C").append(i).append(",cli").append(i).append(",Sales\n");
        }
        Files.writeString(file, csv);

        int code = run(Map.of("ROSTER_TOKEN", TOKEN, "ROSTER_URL", "http://127.0.0.1:" + port),
            "import", file.toString(), "--source", "export");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("50 rows in").contains("50 new, 0 changed, 0 unchanged, 0 quarantined");
        assertThat(err.toString()).contains("100% of");
    }

    @Test
    void previewPrintsWhatHrChangesAndAPolicyWouldDoWithoutDoingIt() throws Exception {
        Path file = dir.resolve("export.csv");
        Files.writeString(file, "employeeNumber,userName,department\nV1,v1,Sales\n");
        Map<String, String> env = Map.of("ROSTER_TOKEN", TOKEN, "ROSTER_URL", "http://127.0.0.1:" + port);
        assertThat(run(env, "import", file.toString(), "--source", "export")).isZero();
        Path changes = dir.resolve("changes.json");
        Files.writeString(changes, "[{\"employeeNumber\": \"V1\", \"changes\": {\"department\": \"Legal\"}}]");
        Path policy = dir.resolve("policy.yml");
        Files.writeString(policy, """
            rules:
              - name: everyone
                when: "true"
                grants:
                  - target: directory
                    entitlement: all-staff
            """);

        assertThat(run(env, "preview", changes.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("V1 (policy").contains("REMOVE_ENTITLEMENT directory dept-sales")
            .contains("ADD_ENTITLEMENT directory dept-legal").contains("-- MOVER (department: Sales -> Legal)");
        out.reset();
        assertThat(run(env, "preview", policy.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("ADD_ENTITLEMENT directory all-staff").contains("granted by rule 'everyone'");
        out.reset();
        // nothing happened: previewing the HR change again shows the same move
        assertThat(run(env, "preview", changes.toString())).isZero();
        assertThat(out.toString()).contains("dept-sales");
    }

    @Test
    void reconcilePrintsTheTargetsDrift() throws Exception {
        Path file = dir.resolve("export.csv");
        Files.writeString(file, "employeeNumber,userName,department\nK1,k1,Sales\n");
        Map<String, String> env = Map.of("ROSTER_TOKEN", TOKEN, "ROSTER_URL", "http://127.0.0.1:" + port);
        assertThat(run(env, "import", file.toString(), "--source", "export")).isZero();
        Thread.sleep(300);
        out.reset();

        assertThat(run(env, "reconcile", "directory")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("directory: ").contains("account(s) read").contains("0 finding(s)");
        assertThat(run(env, "reconcile", "nowhere")).isEqualTo(1);
        assertThat(err.toString()).contains("nowhere");
    }

    @Test
    void missingTokenAndUnknownSourceAreSaidPlainly() throws Exception {
        Path file = dir.resolve("x.csv");
        Files.writeString(file, "employeeNumber,userName\nX1,x1\n");

        assertThat(run(Map.of(), "import", file.toString(), "--source", "export")).isEqualTo(2);
        assertThat(err.toString()).contains("ROSTER_TOKEN");

        assertThat(run(Map.of("ROSTER_TOKEN", TOKEN), "import", file.toString(), "--source", "nope",
            "--url", "http://127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString()).contains("400").contains("nope");
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run(Map.of(), "help")).isZero();
        assertThat(out.toString()).contains("import");
    }
}
