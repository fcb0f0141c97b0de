package org.roster.provisioning.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.schema.Schema;
import com.unboundid.ldif.LDIFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.Nullable;

/**
 * UnboundID's in-memory LDAP server on a loopback port: the quick start's demo directory. Its schema
 * is the standard one plus OpenLDAP ppolicy's {@code pwdAccountLockedTime}, so it takes the same
 * disable as a real OpenLDAP.
 */
public final class EmbeddedDirectory implements AutoCloseable {

    public static final String ADMIN_DN = "cn=admin";

    private final InMemoryDirectoryServer server;
    private final @Nullable Path file;

    private EmbeddedDirectory(InMemoryDirectoryServer server, @Nullable Path file) {
        this.server = server;
        this.file = file;
    }

    /** Starts a directory holding {@code baseDn}, {@code ou=people} and {@code ou=groups} under it, in memory only. */
    public static EmbeddedDirectory start(String baseDn, int port, String adminPassword) {
        return start(baseDn, port, adminPassword, null);
    }

    /**
     * Starts a directory holding {@code baseDn}, {@code ou=people} and {@code ou=groups} under it; with
     * a file, loaded from it when it exists and saved to it at {@link #close()}, so that the directory
     * outlives a restart as Roster's store does.
     */
    public static EmbeddedDirectory start(String baseDn, int port, String adminPassword, @Nullable Path file) {
        try {
            InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(baseDn);
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap",
                loopback(), port, null));
            config.addAdditionalBindCredentials(ADMIN_DN, adminPassword);
            config.setSchema(schema());
            // Listening on loopback is not a reason to let anyone who can reach the port write: writes need a bind.
            config.setAuthenticationRequiredOperationTypes(java.util.EnumSet.of(
                com.unboundid.ldap.sdk.OperationType.ADD, com.unboundid.ldap.sdk.OperationType.DELETE,
                com.unboundid.ldap.sdk.OperationType.MODIFY, com.unboundid.ldap.sdk.OperationType.MODIFY_DN));
            InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
            if (file != null && Files.exists(file)) {
                server.importFromLDIF(true, file.toFile());
                server.startListening();
                return new EmbeddedDirectory(server, file);
            }
            server.startListening();
            String rdnValue = baseDn.split(",")[0].split("=", 2)[1];
            server.add(new Entry("dn: " + baseDn, "objectClass: top", "objectClass: domain", "dc: " + rdnValue));
            server.add(new Entry("dn: ou=people," + baseDn, "objectClass: organizationalUnit", "ou: people"));
            server.add(new Entry("dn: ou=groups," + baseDn, "objectClass: organizationalUnit", "ou: groups"));
            return new EmbeddedDirectory(server, file);
        } catch (LDAPException | LDIFException e) {
            throw new IllegalStateException("cannot start the embedded directory: " + e.getMessage(), e);
        }
    }

    /**
     * The standard schema plus {@code pwdAccountLockedTime}. Declared as a string, not a generalized
     * time as in OpenLDAP: the SDK's time parser refuses ppolicy's "locked forever" value {@code 000001010000Z}.
     */
    public static Schema schema() throws LDIFException, LDAPException {
        Schema extra = new Schema(new Entry("dn: cn=schema",
            "objectClass: subschema",
            "attributeTypes: ( 1.3.6.1.4.1.42.2.27.8.1.17 NAME 'pwdAccountLockedTime' "
                + "EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE USAGE directoryOperation )"));
        return Schema.mergeSchemas(Schema.getDefaultStandardSchema(), extra);
    }

    public String url() {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    public int port() {
        return server.getListenPort();
    }

    public InMemoryDirectoryServer server() {
        return server;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException("127.0.0.1 is always an address", e);
        }
    }

    /** Saves the directory to its file, if it has one, then stops it. */
    @Override
    public void close() {
        try {
            save();
        } finally {
            server.shutDown(true);
        }
    }

    /** Writes every entry to the file (through a temporary file, so a crash never leaves half of it). */
    public void save() {
        if (file == null) {
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            server.exportToLDIF(tmp.toString(), false, true);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (LDAPException | IOException e) {
            throw new IllegalStateException("cannot save the embedded directory to " + file + ": " + e.getMessage(), e);
        }
    }
}
