package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roster.provisioning.ldap.EmbeddedDirectory;

/** The quick start's directory outlives a restart as the store does, when it has a file. */
class EmbeddedDirectoryTests {

    @TempDir
    Path dir;

    @Test
    void withAFileTheDirectoryIsSavedAtStopAndLoadedAtStart() throws Exception {
        Path file = dir.resolve("data/directory.ldif");
        try (EmbeddedDirectory d = EmbeddedDirectory.start("dc=example,dc=com", 0, "secret-one", file)) {
            d.server().add(new Entry("dn: uid=ada,ou=people,dc=example,dc=com", "objectClass: inetOrgPerson",
                "uid: ada", "cn: Ada", "sn: Lovelace", "employeeNumber: E1"));
        }
        assertThat(Files.readString(file)).contains("uid=ada,ou=people,dc=example,dc=com").doesNotContain("secret-one");
        try (EmbeddedDirectory again = EmbeddedDirectory.start("dc=example,dc=com", 0, "secret-two", file)) {
            assertThat(again.server().getEntry("uid=ada,ou=people,dc=example,dc=com").getAttributeValue("employeeNumber"))
                .isEqualTo("E1");
            assertThat(again.server().getEntry("ou=groups,dc=example,dc=com")).isNotNull();
        }
        try (EmbeddedDirectory memoryOnly = EmbeddedDirectory.start("dc=example,dc=com", 0, "secret-three")) {
            assertThat(memoryOnly.server().getEntry("uid=ada,ou=people,dc=example,dc=com")).isNull();
        }
    }

    @Test
    void anonymousWritesAreRefusedAndTheAdminsAreAccepted() throws Exception {
        try (EmbeddedDirectory d = EmbeddedDirectory.start("dc=example,dc=com", 0, "admin-secret-1", null)) {
            java.net.URI url = java.net.URI.create(d.url());
            try (com.unboundid.ldap.sdk.LDAPConnection anonymous = new com.unboundid.ldap.sdk.LDAPConnection(url.getHost(),
                    url.getPort())) {
                assertThatThrownBy(() -> anonymous.add(new Entry("dn: uid=intruder,ou=people,dc=example,dc=com",
                    "objectClass: inetOrgPerson", "uid: intruder", "cn: I", "sn: I")))
                    .isInstanceOf(com.unboundid.ldap.sdk.LDAPException.class)
                    .satisfies(e -> assertThat(((com.unboundid.ldap.sdk.LDAPException) e).getResultCode())
                        .isEqualTo(com.unboundid.ldap.sdk.ResultCode.INSUFFICIENT_ACCESS_RIGHTS));
                anonymous.bind(EmbeddedDirectory.ADMIN_DN, "admin-secret-1");
                anonymous.add(new Entry("dn: uid=admin-made,ou=people,dc=example,dc=com",
                    "objectClass: inetOrgPerson", "uid: admin-made", "cn: A", "sn: A"));
            }
            assertThat(d.server().getEntry("uid=intruder,ou=people,dc=example,dc=com")).isNull();
            assertThat(d.server().getEntry("uid=admin-made,ou=people,dc=example,dc=com")).isNotNull();
        }
    }
}
