package org.roster.support;

import org.roster.provisioning.ldap.EmbeddedDirectory;

/** UnboundID's in-memory LDAP server on a free loopback port; one per test JVM. */
public final class InMemoryDirectory implements TestDirectory {

    private static final String PASSWORD = "in-memory-test-secret";
    private static InMemoryDirectory shared;

    private final EmbeddedDirectory directory;

    private InMemoryDirectory(EmbeddedDirectory directory) {
        this.directory = directory;
    }

    public static synchronized InMemoryDirectory shared() {
        if (shared == null) {
            shared = new InMemoryDirectory(EmbeddedDirectory.start(Slapd.BASE_DN, 0, PASSWORD));
        }
        return shared;
    }

    @Override
    public String url() {
        return directory.url();
    }

    @Override
    public String bindDn() {
        return EmbeddedDirectory.ADMIN_DN;
    }

    @Override
    public String bindPassword() {
        return PASSWORD;
    }

    @Override
    public String baseDn() {
        return Slapd.BASE_DN;
    }

    @Override
    public String toString() {
        return "UnboundID in-memory";
    }
}
