package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.ldap.LdapConnectorFactory;
import org.roster.provisioning.ldap.LdapSettings;
import org.roster.support.InMemoryDirectory;
import org.roster.support.Slapd;
import org.roster.support.TestDirectory;

/** The connector contract on two real LDAP servers, plus what only a real OpenLDAP can show. */
class LdapConnectorTests {

    static Connector connect(TestDirectory d, LdapSettings.Disable disable) {
        return connect(d, disable, null);
    }

    static Connector connect(TestDirectory d, LdapSettings.Disable disable, Boolean renameAccounts) {
        return new LdapConnectorFactory().create(TargetSettings.of("directory", "ldap",
            new LdapSettings(d.url(), d.bindDn(), d.bindPassword(), d.baseDn(), null, null, disable, null, null, 2,
                null, null, null, null, renameAccounts), null));
    }

    /** UnboundID's in-memory server, counting the searches it serves. */
    private static final class CountingDirectory implements TestDirectory, AutoCloseable {
        final java.util.concurrent.atomic.AtomicInteger searches = new java.util.concurrent.atomic.AtomicInteger();
        private final com.unboundid.ldap.listener.InMemoryDirectoryServer server;

        CountingDirectory() throws Exception {
            var config = new com.unboundid.ldap.listener.InMemoryDirectoryServerConfig(Slapd.BASE_DN);
            config.setListenerConfigs(com.unboundid.ldap.listener.InMemoryListenerConfig.createLDAPConfig("ldap",
                java.net.InetAddress.getLoopbackAddress(), 0, null));
            config.addAdditionalBindCredentials(bindDn(), bindPassword());
            config.setSchema(org.roster.provisioning.ldap.EmbeddedDirectory.schema());
            config.addInMemoryOperationInterceptor(new com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor() {
                @Override
                public void processSearchRequest(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest r) {
                    searches.incrementAndGet();
                }
            });
            server = new com.unboundid.ldap.listener.InMemoryDirectoryServer(config);
            server.startListening();
            server.add("dn: " + Slapd.BASE_DN, "objectClass: domain", "dc: " + Slapd.BASE_DN.split(",")[0].split("=")[1]);
            server.add("dn: ou=people," + Slapd.BASE_DN, "objectClass: organizationalUnit", "ou: people");
            server.add("dn: ou=groups," + Slapd.BASE_DN, "objectClass: organizationalUnit", "ou: groups");
        }

        @Override
        public String url() {
            return "ldap://127.0.0.1:" + server.getListenPort();
        }

        @Override
        public String bindDn() {
            return org.roster.provisioning.ldap.EmbeddedDirectory.ADMIN_DN;
        }

        @Override
        public String bindPassword() {
            return "counting-secret";
        }

        @Override
        public String baseDn() {
            return Slapd.BASE_DN;
        }

        @Override
        public void close() {
            server.shutDown(true);
        }
    }

    @Test
    void aWaveOfLeaversIsReadBackInAFewSearchesNotTwoEach() throws Exception {
        try (CountingDirectory counting = new CountingDirectory(); Connector c = connect(counting, null)) {
            java.util.List<String> leavers = new java.util.ArrayList<>();
            for (int i = 0; i < 120; i++) {
                leavers.add("L" + i);
                ((CreateOp) c).create("L" + i, Map.of("userName", "leaver" + i, "employeeNumber", "L" + i,
                    "givenName", "Leaver", "familyName", "N" + i));
                ((EnableOp) c).disable("L" + i);
            }
            ((EntitlementOp) c).addEntitlement("L5", "stayed");
            ((EntitlementOp) c).removeEntitlement("L5", "stayed"); // an empty group: nobody is in it
            leavers.add("NOBODY");

            int before = counting.searches.get();
            var all = ((ReadOp) c).readAll(leavers);
            // 100 at a time: the accounts, whether any is in a group (none is), and the unknown one alone
            // (its account, nothing to read groups of); read one by one it was two searches each, 241
            assertThat(counting.searches.get() - before).as("searches to read 121 leavers back").isLessThanOrEqualTo(2 + 2 + 1);
            assertThat(all).hasSize(121);
            assertThat(all.get("L7").orElseThrow().enabled()).isFalse();
            assertThat(all.get("L7").orElseThrow().entitlements()).isEmpty();
            assertThat(all.get("NOBODY")).isEmpty();

            // one still in a group: the groups of that hundred are read one by one, and it is named
            ((EntitlementOp) c).addEntitlement("L110", "stayed");
            before = counting.searches.get();
            all = ((ReadOp) c).readAll(leavers);
            assertThat(counting.searches.get() - before).isLessThanOrEqualTo(2 + 2 + 1 + 20);
            assertThat(all.get("L110").orElseThrow().entitlements()).containsExactly("stayed");
            assertThat(all.get("L7").orElseThrow().entitlements()).isEmpty();
        }
    }

    @Test
    void aWaveOfCreatesAndDisablesFindsItsEntriesTogetherAndWhatChangedSinceIsFoundAgain() throws Exception {
        try (CountingDirectory counting = new CountingDirectory(); Connector c = connect(counting, null);
             var admin = counting.connect()) {
            java.util.List<String> wave = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ((CreateOp) c).create("S" + i, Map.of("userName", "staying" + i, "employeeNumber", "S" + i));
                wave.add("S" + i);
                wave.add("N" + i);
            }
            int before = counting.searches.get();
            ((org.roster.provisioning.LookAheadOp) c).lookAhead(wave);
            for (int i = 0; i < 60; i++) {
                ((CreateOp) c).create("N" + i, Map.of("userName", "new" + i, "employeeNumber", "N" + i));
                ((EnableOp) c).disable("S" + i);
            }
            ((org.roster.provisioning.LookAheadOp) c).forget();
            // two searches for the 120 (100 at a time), then one add or modify each; found one by one it was 120
            assertThat(counting.searches.get() - before).as("searches for 60 creates and 60 disables").isLessThanOrEqualTo(2);
            for (int i = 0; i < 60; i++) {
                assertThat(counting.person("N" + i)).as("N" + i).isNotNull();
                assertThat(counting.canSignIn("S" + i)).as("S" + i).isFalse();
            }

            // since the look-ahead: one entry renamed, and one made by hand where Roster names accounts
            ((org.roster.provisioning.LookAheadOp) c).lookAhead(java.util.List.of("N0", "N1", "LATE"));
            admin.modifyDN("uid=new0,ou=people," + Slapd.BASE_DN, "uid=renamed0", true);
            admin.add("dn: uid=late,ou=people," + Slapd.BASE_DN, "objectClass: inetOrgPerson", "uid: late", "cn: late",
                "sn: late", "employeeNumber: LATE");
            ((EnableOp) c).disable("N0"); // found again under its new name
            ((CreateOp) c).create("LATE", Map.of("userName", "late", "employeeNumber", "LATE", "title", "Adopted"));
            ((EnableOp) c).disable("N1");
            ((org.roster.provisioning.LookAheadOp) c).forget();
            assertThat(counting.canSignIn("N0")).isFalse();
            assertThat(counting.person("N0").getDN()).startsWith("uid=renamed0");
            assertThat(counting.person("LATE").getAttributeValue("title")).isEqualTo("Adopted");
            assertThat(counting.canSignIn("N1")).isFalse();
        }
    }

    @Nested
    class OnUnboundIdInMemory extends ConnectorContract {
        @Override
        protected Connector newConnector() {
            return connect(InMemoryDirectory.shared(), null);
        }
    }

    @Test
    void aDirectoryWithoutTheDisableAttributeIsRefusedAtStartSayingWhatToLoad() {
        assertThatThrownBy(() -> connect(Slapd.withoutPasswordPolicy(), null))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("the directory has no attribute 'pwdAccountLockedTime'")
            .hasMessageContaining("ppolicy overlay")
            .hasMessageContaining("nsAccountLock");
    }

    @Nested
    class OnOpenLdap extends ConnectorContract {
        @Override
        protected Connector newConnector() {
            return connect(Slapd.shared(), null);
        }

        @Test
        void anEntryPlantedOutsideTheNamingRuleIsNotAdoptedNorUnlocked() throws Exception {
            Slapd slapd = Slapd.shared();
            String planted = "uid=planted-" + identity.toLowerCase(java.util.Locale.ROOT) + ",ou=people," + slapd.baseDn();
            try (LDAPConnection admin = slapd.connect()) {
                admin.add(new com.unboundid.ldap.sdk.Entry("dn: " + planted, "objectClass: inetOrgPerson", "cn: x",
                    "sn: x", "uid: planted-" + identity.toLowerCase(java.util.Locale.ROOT), "employeeNumber: " + identity,
                    "mail: attacker@example.org", "userPassword: attacker-secret", "pwdAccountLockedTime: 000001010000Z"));
            }

            assertThatThrownBy(() -> ((CreateOp) connector).create(identity, attributes()))
                .isInstanceOf(ConnectorException.class).hasMessageContaining("not adopted and not unlocked")
                .hasMessageContaining(planted);

            SearchResultEntry after = slapd.person(identity);
            assertThat(after.getDN()).isEqualTo(planted);
            assertThat(after.getAttributeValue("pwdAccountLockedTime")).as("still locked").isEqualTo("000001010000Z");
            assertThat(after.getAttributeValue("mail")).isEqualTo("attacker@example.org");
        }

        @Test
        void disabledAccountCannotBindAnyMore() throws Exception {
            Slapd slapd = Slapd.shared();
            ((CreateOp) connector).create(identity, attributes());
            SearchResultEntry entry = slapd.person(identity);
            try (LDAPConnection admin = slapd.connect()) {
                admin.modify(entry.getDN(), new Modification(ModificationType.REPLACE, "userPassword", "user-secret-1"));
            }
            try (LDAPConnection user = new LDAPConnection("127.0.0.1", java.net.URI.create(slapd.url()).getPort())) {
                user.bind(entry.getDN(), "user-secret-1");
            }

            ((EnableOp) connector).disable(identity);

            assertThat(slapd.person(identity).getAttributeValue("pwdAccountLockedTime")).isEqualTo("000001010000Z");
            try (LDAPConnection user = new LDAPConnection("127.0.0.1", java.net.URI.create(slapd.url()).getPort())) {
                assertThatThrownBy(() -> user.bind(entry.getDN(), "user-secret-1"))
                    .isInstanceOfSatisfying(LDAPException.class,
                        e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.INVALID_CREDENTIALS));
            }
        }

        @Test
        void disableAttributeIsConfigurable() throws Exception {
            // description stands in for AD's userAccountControl / 389-DS nsAccountLock, which OpenLDAP's schema lacks
            try (Connector c = connect(Slapd.shared(), new LdapSettings.Disable("description", "disabled", "enabled"))) {
                ((CreateOp) c).create(identity, attributes());
                ((EnableOp) c).disable(identity);
                assertThat(Slapd.shared().person(identity).getAttributeValue("description")).isEqualTo("disabled");
                assertThat(((ReadOp) c).read(identity).orElseThrow().enabled()).isFalse();
                ((EnableOp) c).enable(identity);
                assertThat(Slapd.shared().person(identity).getAttributeValue("description")).isEqualTo("enabled");
            }
        }

        /** The account created, a member of these groups: its entry's DN. */
        private String createdIn(String... groups) throws Exception {
            ((CreateOp) connector).create(identity, attributes());
            for (String group : groups) {
                ((EntitlementOp) connector).addEntitlement(identity, group);
            }
            return Slapd.shared().person(identity).getDN();
        }

        @Test
        void aUserNameChangeRenamesTheEntryAndMovesItsGroupsWithIt() throws Exception {
            Slapd slapd = Slapd.shared();
            String old = createdIn("rename-a-" + identity, "rename-b-" + identity);
            String renamed = "uid=" + userName + "-new,ou=people," + slapd.baseDn();

            ((UpdateOp) connector).update(identity, Map.of("userName", userName + "-new", "title", "Engineer"));

            SearchResultEntry after = slapd.person(identity);
            assertThat(new com.unboundid.ldap.sdk.DN(after.getDN())).isEqualTo(new com.unboundid.ldap.sdk.DN(renamed));
            assertThat(after.getAttributeValues("uid")).as("the old uid went with the old name").containsExactly(userName + "-new");
            assertThat(after.getAttributeValue("title")).isEqualTo("Engineer");
            assertThat(slapd.groupsOf(after.getDN())).containsExactly("rename-a-" + identity, "rename-b-" + identity);
            assertThat(slapd.groupsOf(old)).isEmpty();
            assertThat(((ReadOp) connector).read(identity).orElseThrow().attributes()).containsEntry("userName", userName + "-new");

            ((UpdateOp) connector).update(identity, Map.of("userName", userName + "-new")); // again: nothing to do
            assertThat(slapd.groupsOf(after.getDN())).hasSize(2);
        }

        @Test
        void aRenameLeavesNoOldNameInTheSurnameItWasMadeFrom() throws Exception {
            java.util.Map<String, String> noFamilyName = new java.util.HashMap<>(attributes());
            noFamilyName.remove("familyName");
            ((CreateOp) connector).create(identity, noFamilyName);
            assertThat(Slapd.shared().person(identity).getAttributeValue("sn")).isEqualTo(userName);

            ((UpdateOp) connector).update(identity, Map.of("userName", userName + "-new"));

            assertThat(Slapd.shared().person(identity).getAttributeValues("sn")).containsExactly(userName + "-new");
        }

        @Test
        void aRenameCutShortAtAnyStepIsCompletedByItsRetry() throws Exception {
            Slapd slapd = Slapd.shared();
            String group = "rename-cut-" + identity;
            String old = createdIn(group);
            String groupDn = "cn=" + group + ",ou=groups," + slapd.baseDn();
            // a crash after the new name joined the group and the old one left it, before the entry was renamed
            String renamed = "uid=" + userName + "-cut,ou=people," + slapd.baseDn();
            try (LDAPConnection admin = slapd.connect()) {
                admin.modify(groupDn, new Modification(ModificationType.ADD, "member", renamed),
                    new Modification(ModificationType.DELETE, "member", old));
            }

            ((UpdateOp) connector).update(identity, Map.of("userName", userName + "-cut"));

            assertThat(new com.unboundid.ldap.sdk.DN(slapd.person(identity).getDN())).isEqualTo(new com.unboundid.ldap.sdk.DN(renamed));
            assertThat(slapd.groupsOf(renamed)).containsExactly(group);
            assertThat(slapd.groupsOf(old)).isEmpty();
        }

        @Test
        void aRenameOntoSomeoneElsesEntryIsRefusedAndTouchesNothing() throws Exception {
            Slapd slapd = Slapd.shared();
            String group = "rename-clash-" + identity;
            String old = createdIn(group);
            String taken = "uid=" + userName + "-taken,ou=people," + slapd.baseDn();
            try (LDAPConnection admin = slapd.connect()) {
                admin.add(new com.unboundid.ldap.sdk.Entry("dn: " + taken, "objectClass: inetOrgPerson", "cn: x", "sn: x",
                    "uid: " + userName + "-taken", "employeeNumber: someone-else-" + identity));
            }

            assertThatThrownBy(() -> ((UpdateOp) connector).update(identity, Map.of("userName", userName + "-taken")))
                .isInstanceOf(ConnectorException.class).isNotInstanceOf(RetryableConnectorException.class)
                .hasMessageContaining("another entry is there");

            assertThat(slapd.person(identity).getDN()).isEqualTo(old);
            assertThat(slapd.groupsOf(old)).containsExactly(group);
            assertThat(slapd.groupsOf(taken)).isEmpty();
        }

        @Test
        void withRenamesOffTheEntryKeepsTheNameItWasCreatedWith() throws Exception {
            try (Connector c = connect(Slapd.shared(), null, false)) {
                ((CreateOp) c).create(identity, attributes());
                String old = Slapd.shared().person(identity).getDN();
                ((UpdateOp) c).update(identity, Map.of("userName", userName + "-kept", "title", "Engineer"));
                assertThat(Slapd.shared().person(identity).getDN()).isEqualTo(old);
                assertThat(Slapd.shared().person(identity).getAttributeValue("title")).isEqualTo("Engineer");
            }
        }

        @Test
        void groupsAreRealGroupOfNamesEntries() throws Exception {
            ((CreateOp) connector).create(identity, attributes());
            ((EntitlementOp) connector).addEntitlement(identity, "real-group-" + identity);

            SearchResultEntry person = Slapd.shared().person(identity);
            assertThat(Slapd.shared().groupsOf(person.getDN())).containsExactly("real-group-" + identity);
        }
    }

    @Test
    void unreachableDirectoryFailsAtStartWithTheTargetNamed() {
        LdapSettings settings = new LdapSettings("ldap://127.0.0.1:1", "cn=x", "y", "dc=example,dc=com", null, null,
            null, null, null, 1, null, null, null, null, null);
        assertThatThrownBy(() -> new LdapConnectorFactory().create(TargetSettings.of("hr-dir", "ldap", settings, null)))
            .hasMessageContaining("hr-dir").hasMessageContaining("ldap://127.0.0.1:1");
    }

    @Test
    void settingsDefaultToOpenLdapLockAndStandardSubtrees() {
        LdapSettings s = new LdapSettings("ldap://h:389", null, null, "dc=x", null, null, null, null, null, null,
            null, null, null, null, null);
        assertThat(s.peopleDn()).isEqualTo("ou=people,dc=x");
        assertThat(s.groupsDn()).isEqualTo("ou=groups,dc=x");
        assertThat(s.disable()).isEqualTo(new LdapSettings.Disable("pwdAccountLockedTime", "000001010000Z", null));
        assertThat(Map.of("pool", s.poolSize())).containsEntry("pool", 4);
        assertThat(s.renameAccounts()).isTrue();
    }
}
