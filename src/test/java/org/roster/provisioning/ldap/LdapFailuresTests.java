package org.roster.provisioning.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import org.junit.jupiter.api.Test;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.RetryableConnectorException;

/**
 * Which LDAP failures are retried and which dead-letter the operation at once. The result codes and
 * diagnostic messages are OpenLDAP's own: "other" with "entry store failed" and "txn_commit failed" is
 * what slapd answered when its MDB database had no room left (seen on a real slapd whose
 * {@code olcDbMaxSize} was reached, 2026-12-05).
 */
class LdapFailuresTests {

    @Test
    void aServerThatFailedInsideOrCannotBeReachedIsRetried() {
        for (LDAPException e : new LDAPException[] {
            answered(ResultCode.OTHER, "entry store failed"),
            answered(ResultCode.OTHER, "txn_commit failed"),
            answered(ResultCode.BUSY, "busy"),
            answered(ResultCode.UNAVAILABLE, "unavailable"),
            answered(ResultCode.SERVER_DOWN, "gone"),
            answered(ResultCode.TIMEOUT, "no answer")}) {
            ConnectorException translated = LdapConnector.translate("modify uid=a", e);
            assertThat(translated).as(e.getResultCode().toString()).isInstanceOf(RetryableConnectorException.class);
            assertThat(translated.getMessage()).contains(e.getResultCode().toString()).contains(e.getDiagnosticMessage());
        }
    }

    @Test
    void anOperationRefusedOnItsMeritsIsNotRetried() {
        for (ResultCode rc : new ResultCode[] {ResultCode.INSUFFICIENT_ACCESS_RIGHTS, ResultCode.OBJECT_CLASS_VIOLATION,
            ResultCode.CONSTRAINT_VIOLATION, ResultCode.ENTRY_ALREADY_EXISTS, ResultCode.INVALID_DN_SYNTAX,
            ResultCode.UNWILLING_TO_PERFORM}) {
            assertThat(LdapConnector.translate("add uid=a", answered(rc, "refused")))
                .as(rc.toString()).isNotInstanceOf(RetryableConnectorException.class);
        }
    }

    private static LDAPException answered(ResultCode rc, String diagnostic) {
        return new LDAPException(new com.unboundid.ldap.sdk.LDAPResult(1, rc, diagnostic, null, (String[]) null, (com.unboundid.ldap.sdk.Control[]) null));
    }
}
