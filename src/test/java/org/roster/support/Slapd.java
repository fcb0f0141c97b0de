package org.roster.support;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real OpenLDAP {@code slapd} (Debian's package) on a free loopback port, with a throwaway
 * {@code cn=config}: core, cosine, inetOrgPerson and nis schemas, an MDB database for
 * {@code dc=example,dc=com}, and the ppolicy overlay so that {@code pwdAccountLockedTime} really
 * locks an account. One per test JVM, started on first use.
 */
public final class Slapd implements TestDirectory {

    public static final String BASE_DN = "dc=example,dc=com";
    public static final String ADMIN_DN = "cn=admin," + BASE_DN;
    public static final String ADMIN_PASSWORD = "slapd-test-secret";

    private static Slapd shared;
    private static Slapd plain;

    private final Process process;
    private final int port;

    private Slapd(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * The shared instance; fails with a clear message when slapd is not installed. With
     * {@code -Dslapd.nosync=true} the database does not sync each write to disk (benchmarks only).
     */
    /**
     * A roster.yml for a Roster process on this store with this directory as its one target (demo
     * data and the safety guard off), with {@code extra} (YAML under {@code roster:}, indented by two)
     * ahead of the store.
     */
    public String rosterConfig(String extra, String storeUrl, String storeUser) {
        return "roster:\n" + extra + RosterProcess.storeWithoutDemo(storeUrl, storeUser) + """
              provisioning:
                targets:
                  - name: directory
                    type: ldap
                    ldap:
                      url: %s
                      bind-dn: %s
                      bind-password: ${LDAP_BIND_PASSWORD}
                      base-dn: %s
            """.formatted(url(), ADMIN_DN, BASE_DN);
    }

    public static synchronized Slapd shared() {
        if (shared == null) {
            shared = start(true);
            Runtime.getRuntime().addShutdownHook(new Thread(shared.process::destroy));
        }
        return shared;
    }

    /** A second slapd, as Debian installs it: without the ppolicy overlay, so without {@code pwdAccountLockedTime}. */
    public static synchronized Slapd withoutPasswordPolicy() {
        if (plain == null) {
            plain = start(false);
            Runtime.getRuntime().addShutdownHook(new Thread(plain.process::destroy));
        }
        return plain;
    }

    private static Slapd start(boolean ppolicy) {
        File slapd = new File("/usr/sbin/slapd");
        if (!slapd.canExecute()) {
            throw new IllegalStateException("OpenLDAP is not installed: apt-get install slapd ldap-utils (.ci/run does)");
        }
        try {
            Path dir = Files.createTempDirectory("roster-slapd");
            Path config = dir.resolve("slapd.d");
            Path data = dir.resolve("data");
            Files.createDirectories(config);
            Files.createDirectories(data);
            Path ldif = dir.resolve("config.ldif");
            Files.writeString(ldif, configLdif(dir, data, ppolicy), StandardCharsets.UTF_8);
            run(List.of("/usr/sbin/slapadd", "-n", "0", "-F", config.toString(), "-l", ldif.toString()));
            int port = freePort();
            Process p = new ProcessBuilder("/usr/sbin/slapd", "-d", "0", "-h", "ldap://127.0.0.1:" + port + "/",
                "-F", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("slapd.log").toFile()).start();
            Slapd s = new Slapd(p, port);
            s.awaitUp(dir.resolve("slapd.log"));
            try (LDAPConnection c = s.connect()) {
                c.add(new Entry("dn: " + BASE_DN, "objectClass: top", "objectClass: domain", "dc: example"));
                c.add(new Entry("dn: ou=people," + BASE_DN, "objectClass: organizationalUnit", "ou: people"));
                c.add(new Entry("dn: ou=groups," + BASE_DN, "objectClass: organizationalUnit", "ou: groups"));
                if (ppolicy) {
                    // ppolicy enforces locks only on entries a password policy applies to: a default one, with lockout.
                    c.add(new Entry("dn: ou=policies," + BASE_DN, "objectClass: organizationalUnit", "ou: policies"));
                    c.add(new Entry("dn: cn=default,ou=policies," + BASE_DN, "objectClass: organizationalRole",
                        "objectClass: pwdPolicy", "cn: default", "pwdAttribute: userPassword", "pwdLockout: TRUE"));
                }
            }
            return s;
        } catch (IOException | LDAPException | com.unboundid.ldif.LDIFException e) {
            throw new IllegalStateException("cannot start slapd: " + e.getMessage(), e);
        }
    }

    private static String configLdif(Path dir, Path data, boolean ppolicy) throws IOException {
        String hash = run(List.of("/usr/sbin/slappasswd", "-s", ADMIN_PASSWORD)).trim();
        return """
            dn: cn=config
            objectClass: olcGlobal
            cn: config
            olcPidFile: %1$s/slapd.pid
            olcArgsFile: %1$s/slapd.args

            dn: cn=module{0},cn=config
            objectClass: olcModuleList
            cn: module{0}
            olcModulePath: /usr/lib/ldap
            olcModuleLoad: back_mdb
            %7$s

            dn: cn=schema,cn=config
            objectClass: olcSchemaConfig
            cn: schema

            include: file:///etc/ldap/schema/core.ldif

            include: file:///etc/ldap/schema/cosine.ldif

            include: file:///etc/ldap/schema/inetorgperson.ldif

            include: file:///etc/ldap/schema/nis.ldif

            dn: olcDatabase={0}config,cn=config
            objectClass: olcDatabaseConfig
            olcDatabase: {0}config
            olcAccess: {0}to * by * none

            dn: olcDatabase={1}mdb,cn=config
            objectClass: olcDatabaseConfig
            objectClass: olcMdbConfig
            olcDatabase: {1}mdb
            olcSuffix: %3$s
            olcRootDN: %4$s
            olcRootPW: %5$s
            olcDbDirectory: %2$s
            olcDbMaxSize: 1073741824
            olcDbIndex: objectClass eq
            olcDbIndex: employeeNumber eq
            olcDbIndex: member eq
            olcDbNoSync: %6$s
            olcAccess: {0}to * by self read by * read

            %8$s""".formatted(dir, data, BASE_DN, ADMIN_DN, hash, Boolean.getBoolean("slapd.nosync") ? "TRUE" : "FALSE",
            ppolicy ? "olcModuleLoad: ppolicy" : "", ppolicy ? """
            dn: olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config
            objectClass: olcOverlayConfig
            objectClass: olcPPolicyConfig
            olcOverlay: {0}ppolicy
            olcPPolicyDefault: cn=default,ou=policies,%s
            """.formatted(BASE_DN) : "");
    }

    private void awaitUp(Path log) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited: " + Files.readString(log));
            }
            try (LDAPConnection c = new LDAPConnection("127.0.0.1", port)) {
                return;
            } catch (LDAPException e) {
                sleep(50);
            }
        }
        throw new IllegalStateException("slapd did not listen on " + port + " within 20s: " + Files.readString(log));
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    @Override
    public String bindDn() {
        return ADMIN_DN;
    }

    @Override
    public String bindPassword() {
        return ADMIN_PASSWORD;
    }

    @Override
    public String baseDn() {
        return BASE_DN;
    }

    @Override
    public String toString() {
        return "OpenLDAP slapd";
    }
}
