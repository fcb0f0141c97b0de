package org.roster.provisioning.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorFactory;
import org.roster.provisioning.TargetSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Builds {@link LdapConnector}s: a bound connection pool per target, and the embedded directory when asked. */
@Component
public final class LdapConnectorFactory implements ConnectorFactory {

    private static final Logger log = LoggerFactory.getLogger(LdapConnectorFactory.class);

    @Override
    public String type() {
        return "ldap";
    }

    @Override
    public Connector create(TargetSettings target) {
        LdapSettings s = target.ldap();
        if (s == null) {
            throw new IllegalStateException("roster.provisioning.targets[" + target.name() + "].ldap is required for type ldap");
        }
        EmbeddedDirectory embedded = null;
        String url = s.url();
        String bindDn = s.bindDn();
        String password = s.bindPassword();
        if (s.embedded()) {
            // A fresh random password each start: the embedded directory is for the demo, and nobody needs to know it.
            byte[] bytes = new byte[18];
            new SecureRandom().nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            bindDn = EmbeddedDirectory.ADMIN_DN;
            java.nio.file.Path file = s.embeddedFile() == null ? null : java.nio.file.Path.of(s.embeddedFile());
            embedded = EmbeddedDirectory.start(s.baseDn(), s.embeddedPort(), password, file);
            url = embedded.url();
            log.info("Target '{}': embedded LDAP directory for {} at {}{}", target.name(), s.baseDn(), url,
                file == null ? " (in memory only)" : ", kept in " + file.toAbsolutePath());
        }
        try {
            LDAPConnectionPool pool = pool(url, bindDn, password, s.poolSize());
            try {
                checkSchema(target.name(), s, pool);
            } catch (IllegalStateException e) {
                pool.close();
                throw e;
            }
            return new LdapConnector(target.name(), s, pool, embedded);
        } catch (LDAPException | GeneralSecurityException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw new IllegalStateException("target '" + target.name() + "': cannot connect to " + url + " as " + bindDn
                + ": " + e.getMessage(), e);
        }
    }

    /**
     * The attribute that disables an account must exist in the directory's schema, or the first leaver
     * fails there. Said at start, in one line, with what to load or configure. A directory whose
     * schema cannot be read is not judged.
     */
    static void checkSchema(String target, LdapSettings s, LDAPConnectionPool pool) {
        com.unboundid.ldap.sdk.schema.Schema schema;
        try {
            schema = pool.getSchema();
        } catch (LDAPException e) {
            log.debug("target '{}': the directory's schema cannot be read ({}); the disable attribute is not checked",
                target, e.getMessage());
            return;
        }
        String attribute = s.disable().attribute();
        if (schema == null || schema.getAttributeType(attribute) != null) {
            return;
        }
        String what = attribute.equalsIgnoreCase("pwdAccountLockedTime")
            ? "load OpenLDAP's ppolicy overlay (olcModuleLoad: ppolicy, and an olcPPolicyConfig overlay on the database,"
                + " with a default policy that has pwdLockout: TRUE)"
            : "add it to the schema";
        throw new IllegalStateException("target '" + target + "': the directory has no attribute '" + attribute
            + "' to disable accounts with: " + what + ", or set roster.provisioning.targets[" + target
            + "].ldap.disable to an attribute it has (389-DS: nsAccountLock TRUE; Active Directory: userAccountControl"
            + " 514/512); see docs/connectors.md");
    }

    private static LDAPConnectionPool pool(@Nullable String url, @Nullable String bindDn, @Nullable String password,
                                           int size) throws LDAPException, GeneralSecurityException {
        LDAPURL ldapUrl = new LDAPURL(url);
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(5_000);
        options.setResponseTimeoutMillis(30_000);
        LDAPConnection connection;
        if ("ldaps".equalsIgnoreCase(ldapUrl.getScheme())) {
            SSLUtil ssl = new SSLUtil(new TrustStoreTrustManager(System.getProperty("javax.net.ssl.trustStore",
                System.getProperty("java.home") + "/lib/security/cacerts")));
            connection = new LDAPConnection(ssl.createSSLSocketFactory(), options, ldapUrl.getHost(), ldapUrl.getPort());
        } else {
            connection = new LDAPConnection(options, ldapUrl.getHost(), ldapUrl.getPort());
        }
        try {
            if (bindDn != null) {
                connection.bind(new SimpleBindRequest(bindDn, password == null ? "" : password));
            }
        } catch (LDAPException e) {
            connection.close();
            throw e;
        }
        // New pool connections repeat the first connection's bind.
        LDAPConnectionPool pool = new LDAPConnectionPool(connection, 1, size);
        pool.setRetryFailedOperationsDueToInvalidConnections(true);
        pool.setConnectionPoolName("roster-ldap");
        return pool;
    }
}
