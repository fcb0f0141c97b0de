package org.roster.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roster.support.Acknowledgements;
import org.roster.support.Api;
import org.roster.support.MostlyWaits;
import org.roster.support.Parallel;
import org.roster.support.RosterProcess;
import org.roster.support.ScimWorkers;
import org.roster.support.Slapd;
import org.roster.support.SmallDisk;
import tools.jackson.databind.JsonNode;

/**
 * A drill: the disk under Roster's store runs full while the HR system sends joiners and
 * terminations, and is freed again, with Roster left running. Whatever the store could not write is
 * answered 503 with {@code Retry-After} (never a bare 500, never a 2xx); once there is room again,
 * without restarting Roster, the HR system's resent changes are taken, each exactly once, every
 * joiner is provisioned in OpenLDAP and every leaver disabled, what was acknowledged before is all
 * there, and the audit chain is whole.
 *
 * <p>The disk is a small file system of its own ({@link SmallDisk}). H2 keeps its file there, and
 * closes the store when a write to it fails; PostgreSQL keeps Roster's database there (a tablespace),
 * its write-ahead log elsewhere, so that its statements fail with "could not extend file" rather than
 * the server stopping, which is the outage {@link StoreOutageTests} drills.
 */
@MostlyWaits
class DiskFullTests {

    private static final String TOKEN = "disk-full-test-token-0123456789";
    private static final int WORKERS = 6;
    private static final int JOINERS = 6;
    private static final int LEAVERS = 3;

    enum Store { H2, POSTGRESQL }

    @ParameterizedTest
    @EnumSource(Store.class)
    void whileTheStoreCannotWriteChangesAreAnswered503AndOnceItCanNothingIsLostOrDoneTwice(Store store) throws Exception {
        Slapd ldap = Slapd.shared();
        Path dir = RosterProcess.workDir("disk-full-" + store);
        EmbeddedPostgres pg = null;
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 64)) {
            String url;
            String user;
            if (store == Store.H2) {
                url = "jdbc:h2:file:" + disk.path().resolve("roster")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;QUERY_CACHE_SIZE=256";
                user = "sa";
            } else {
                Path data = dir.resolve("pgdata");
                int port = RosterProcess.freePort();
                pg = StoreOutageTests.start(data, port);
                Path tablespace = Files.createDirectories(disk.path().resolve("pg"));
                Files.setOwner(tablespace, Files.getOwner(data)); // PostgreSQL's own user
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("create tablespace small location '" + tablespace + "'");
                    s.execute("create database roster tablespace small");
                }
                url = "jdbc:postgresql://127.0.0.1:" + port + "/roster";
                user = "postgres";
            }
            Path config = dir.resolve("roster.yml");
            Files.writeString(config, ldap.rosterConfig("", url, user));
            try (RosterProcess roster = RosterProcess.start(config, RosterProcess.freePort(),
                Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "LDAP_BIND_PASSWORD", Slapd.ADMIN_PASSWORD), "roster.log")) {
                drill(ldap, disk, roster, store);
            }
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private static void drill(Slapd ldap, SmallDisk disk, RosterProcess roster, Store store) throws Exception {
        Api api = new Api(roster.baseUrl(), TOKEN);
        String prefix = "D" + store.name().charAt(0) + Long.toString(System.nanoTime() & 0xffffff, 36).toUpperCase(java.util.Locale.ROOT);
        Map<String, String> workers = new LinkedHashMap<>();
        for (int i = 0; i < WORKERS; i++) {
            Api.Response r = api.send("POST", "/scim/v2/Users", "application/scim+json", ScimWorkers.user(prefix + i, "Disk"));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            workers.put(prefix + i, r.json().path("id").asString());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> workers.keySet().stream().allMatch(ldap::canSignIn));

        disk.fill();
        // The HR system sends joiners and terminations from three threads at once.
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < JOINERS; i++) {
            changes.add(prefix + "J" + i);
        }
        List<String> leavers = new ArrayList<>(workers.keySet()).subList(0, LEAVERS);
        changes.addAll(leavers);
        Map<String, Integer> answered = new ConcurrentHashMap<>();
        Parallel.forEach(3, changes, (i, en) -> {
            Api.Response r = send(api, workers, en);
            assertThat(r.status() / 100 == 2 || r.status() == 503).as(en + ": " + r.status() + " " + r.body()).isTrue();
            if (r.status() == 503) {
                assertThat(r.header("Retry-After")).isEqualTo("5");
                assertThat(r.json().path("schemas").get(0).asString()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
                assertThat(r.json().path("detail").asString()).containsAnyOf("the store cannot write", "the store cannot be reached")
                    .contains("not acknowledged");
            }
            answered.put(en, r.status());
        });
        assertThat(answered.values()).as("the full disk refused something").contains(503);

        disk.free();
        // What was not acknowledged is sent again until it is; what was is not sent again.
        for (String en : changes) {
            if (answered.get(en) / 100 != 2) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    int status = send(api, workers, en).status();
                    return status / 100 == 2 || status == 409; // 409: a create cut off as it committed had landed
                });
            }
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
            changes.subList(0, JOINERS).stream().allMatch(ldap::canSignIn) && leavers.stream().noneMatch(ldap::canSignIn));
        for (String en : workers.keySet()) {
            assertThat(ldap.canSignIn(en)).as(en + ", terminated: " + leavers.contains(en)).isEqualTo(!leavers.contains(en));
        }

        for (String en : changes) {
            List<JsonNode> audit = new ArrayList<>();
            api.get("/api/v1/audit?size=500&identity=" + en).json().path("items").forEach(audit::add);
            long hrEvents = audit.stream().filter(a -> a.path("entry").path("kind").asString().equals("HR_EVENT")).count();
            List<String> acknowledged = Acknowledgements.acknowledgedIn(audit);
            if (leavers.contains(en)) {
                assertThat(hrEvents).as("HR events of " + en + ": its joining and its termination").isEqualTo(2);
                assertThat(acknowledged.stream().filter("DISABLE directory"::equals).count()).as("disables of " + en).isEqualTo(1);
            } else {
                assertThat(hrEvents).as("HR events of " + en).isEqualTo(1);
                assertThat(acknowledged.stream().filter("CREATE directory"::equals).count()).as("creates of " + en).isEqualTo(1);
            }
        }
        JsonNode verify = api.get("/api/v1/audit/verify").json();
        assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();

        String log = Files.readString(roster.log());
        assertThat(log).as("no stack, no bare 500").doesNotContain("threw exception").doesNotContain("Exception:\n\tat ");
        assertThat(log).contains("the store cannot write");
        // nothing is told as done that the store did not keep
        for (String en : changes.subList(0, JOINERS)) {
            assertThat(log.split("JOINER " + en + ": new -> ACTIVE", -1)).as("transitions of " + en + " in the log").hasSize(2);
        }
        if (store == Store.H2) {
            assertThat(log).contains("store: H2 closed the store when a write to its file failed");
        }
    }

    /**
     * A snapshot is sorted before any row is applied, past {@code roster.hr.snapshot-sort-memory} in
     * runs on Roster's own disk ({@code java.io.tmpdir}). With no room there, the file is refused 503
     * with {@code Retry-After}, saying why and that nothing was applied; nothing is; once there is
     * room the same file is taken whole. (It was a bare 500 with a stack, and the snapshot's record
     * was left as if still running.)
     */
    @org.junit.jupiter.api.Test
    void aSnapshotThatCannotBeSortedForWantOfRoomIsRefused503AndNothingIsApplied() throws Exception {
        Slapd ldap = Slapd.shared();
        Path dir = RosterProcess.workDir("disk-full-sort");
        try (SmallDisk tmp = SmallDisk.mount(dir.resolve("tmp"), 8)) {
            String url = "jdbc:h2:file:" + dir.resolve("store/roster")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;QUERY_CACHE_SIZE=256";
            Files.writeString(dir.resolve("roster.yml"), ldap.rosterConfig("""
                  hr:
                    snapshot-sort-memory: 1KB
                    sources:
                      - name: feed
                        type: snapshot
                """, url, "sa"));
            try (RosterProcess roster = RosterProcess.start(dir.resolve("roster.yml"), RosterProcess.freePort(),
                Map.of("ROSTER_BOOTSTRAP_TOKEN", TOKEN, "LDAP_BIND_PASSWORD", Slapd.ADMIN_PASSWORD,
                    "JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp.path()), "roster.log")) {
                Api api = new Api(roster.baseUrl(), TOKEN);
                String prefix = "DS" + Long.toString(System.nanoTime() & 0xffffff, 36).toUpperCase(java.util.Locale.ROOT);
                StringBuilder csv = new StringBuilder("employeeNumber,userName,givenName,familyName,email,department\n");
                for (int i = 0; i < 300; i++) {
                    String en = prefix + i;
                    csv.append(en).append(',').append(en.toLowerCase(java.util.Locale.ROOT)).append(",Sorted,Disk,")
                        .append(en.toLowerCase(java.util.Locale.ROOT)).append("@example.com,Ops\n");
                }

                tmp.fill();
                Api.Response refused = api.send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv", csv.toString());
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.header("Retry-After")).isEqualTo("60");
                assertThat(refused.json().path("detail").asString()).contains("java.io.tmpdir").contains("No space left")
                    .contains("nothing was applied").doesNotContain(tmp.path().toString());
                assertThat(api.get("/api/v1/identities/" + prefix + 0).status()).as("nothing applied").isEqualTo(404);

                tmp.free();
                Api.Response taken = api.send("POST", "/api/v1/hr/snapshots?source=feed", "text/csv", csv.toString());
                assertThat(taken.status()).as(taken.body()).isEqualTo(200);
                assertThat(taken.json().path("created").asInt()).isEqualTo(300);
                assertThat(api.get("/api/v1/identities/" + prefix + 299).status()).isEqualTo(200);
                assertThat(Files.readString(roster.log())).doesNotContain("threw exception")
                    .contains("a snapshot's sorted run cannot be written");
            }
        }
    }

    /** A joiner's creation or a worker's termination, as the HR system sends it. */
    private static Api.Response send(Api api, Map<String, String> workers, String employeeNumber) {
        String id = workers.get(employeeNumber);
        return id == null
            ? api.send("POST", "/scim/v2/Users", "application/scim+json", ScimWorkers.user(employeeNumber, "Disk"))
            : api.send("PATCH", "/scim/v2/Users/" + id, "application/scim+json", ScimWorkers.TERMINATE);
    }
}
