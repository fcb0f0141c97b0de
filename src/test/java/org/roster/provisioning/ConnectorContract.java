package org.roster.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every connector passes: idempotent operations, reads that show what was done. A
 * connector's test class extends this and supplies a connector on its real target.
 */
public abstract class ConnectorContract {

    protected Connector connector;
    protected String identity;
    protected String userName;

    protected abstract Connector newConnector() throws Exception;

    @BeforeEach
    void setUpConnector() throws Exception {
        connector = newConnector();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        identity = "T" + suffix;
        userName = "user-" + suffix;
    }

    @AfterEach
    void closeConnector() {
        connector.close();
    }

    protected Map<String, String> attributes() {
        return Map.of("userName", userName, "employeeNumber", identity, "givenName", "Test", "familyName", "Person",
            "email", userName + "@example.com", "department", "Engineering");
    }

    private TargetAccount read() throws ConnectorException {
        return ((ReadOp) connector).read(identity).orElseThrow();
    }

    @Test
    void createdAccountReadsBackEnabledWithItsAttributes() throws Exception {
        ((CreateOp) connector).create(identity, attributes());

        TargetAccount account = read();
        assertThat(account.enabled()).isTrue();
        assertThat(account.attributes().values()).contains(userName + "@example.com", identity);
        assertThat(account.entitlements()).isEmpty();
    }

    @Test
    void createOfAnExistingAccountAdoptsIt() throws Exception {
        ((CreateOp) connector).create(identity, attributes());
        ((EnableOp) connector).disable(identity);

        ((CreateOp) connector).create(identity, attributes());

        assertThat(read().enabled()).isTrue();
    }

    @Test
    void entitlementsAreAddedAndRemovedIdempotently() throws Exception {
        ((CreateOp) connector).create(identity, attributes());
        EntitlementOp ents = (EntitlementOp) connector;

        ents.addEntitlement(identity, "contract-a");
        ents.addEntitlement(identity, "contract-a");
        ents.addEntitlement(identity, "contract-b");
        assertThat(read().entitlements()).containsExactlyInAnyOrder("contract-a", "contract-b");

        ents.removeEntitlement(identity, "contract-a");
        ents.removeEntitlement(identity, "contract-a");
        ents.removeEntitlement(identity, "never-granted");
        assertThat(read().entitlements()).containsExactly("contract-b");
    }

    /** Creates the test's account and a second one, whose identity it returns. */
    private String twoAccounts() throws ConnectorException {
        String other = identity + "b";
        ((CreateOp) connector).create(identity, attributes());
        java.util.Map<String, String> second = new java.util.HashMap<>(attributes());
        second.put("userName", userName + "b");
        second.put("email", userName + "b@example.com"); // an IdP takes one account per e-mail address
        second.put("employeeNumber", other);
        ((CreateOp) connector).create(other, second);
        return other;
    }

    @Test
    void manyAccountsAreAddedToAnEntitlementAtOnceAndUnknownOnesAreNamed() throws Exception {
        if (!(connector instanceof EntitlementBatchOp batch)) {
            return;
        }
        String other = twoAccounts();
        String group = "bulk-" + identity;
        ((EntitlementOp) connector).addEntitlement(identity, group);

        java.util.Map<String, ConnectorException> failed =
            batch.addEntitlementToAll(group, java.util.List.of(identity, other, "NOBODY-" + identity));

        assertThat(failed).containsOnlyKeys("NOBODY-" + identity);
        assertThat(read().entitlements()).contains(group);
        assertThat(((ReadOp) connector).read(other).orElseThrow().entitlements()).contains(group);
        assertThat(batch.addEntitlementToAll("fresh-" + identity, java.util.List.of(identity, other))).isEmpty();
        assertThat(((ReadOp) connector).read(other).orElseThrow().entitlements()).contains("fresh-" + identity);
    }

    @Test
    void manyAccountsLoseAnEntitlementAtOnceAndThoseWithoutItAreDone() throws Exception {
        if (!(connector instanceof EntitlementBatchOp batch)) {
            return;
        }
        String other = twoAccounts();
        String both = "both-" + identity;
        String one = "one-" + identity;
        assertThat(batch.addEntitlementToAll(both, java.util.List.of(identity, other))).isEmpty();
        ((EntitlementOp) connector).addEntitlement(identity, one);

        // every member of the group at once (a directory's group must keep one: the last goes alone)
        assertThat(batch.removeEntitlementFromAll(both, java.util.List.of(identity, other, "NOBODY-" + identity)))
            .isEmpty();
        // one member and one who never was: the second is done
        assertThat(batch.removeEntitlementFromAll(one, java.util.List.of(other, identity))).isEmpty();
        // again: nothing left to remove
        assertThat(batch.removeEntitlementFromAll(both, java.util.List.of(identity, other))).isEmpty();

        assertThat(read().entitlements()).doesNotContain(both, one);
        assertThat(((ReadOp) connector).read(other).orElseThrow().entitlements()).doesNotContain(both, one);
    }

    @Test
    void manyAccountsReadBackTogetherAsEachReadsAlone() throws Exception {
        String other = twoAccounts();
        ReadOp reads = (ReadOp) connector;
        java.util.List<String> asked = java.util.List.of(identity, other, "NOBODY-" + identity);
        // none of them in a group, then one disabled and the other in one
        java.util.Map<String, java.util.Optional<TargetAccount>> before = reads.readAll(asked);
        ((EnableOp) connector).disable(identity);
        ((EntitlementOp) connector).addEntitlement(other, "read-" + identity);
        java.util.Map<String, java.util.Optional<TargetAccount>> after = reads.readAll(asked);

        assertThat(before.get(identity).orElseThrow().enabled()).isTrue();
        assertThat(before.get(other).orElseThrow().entitlements()).isEmpty();
        assertThat(after.keySet()).containsExactlyElementsOf(asked);
        for (String i : asked) {
            assertThat(after.get(i)).as(i).isEqualTo(reads.read(i));
        }
        assertThat(after.get(identity).orElseThrow().enabled()).isFalse();
        assertThat(after.get(other).orElseThrow().entitlements()).containsExactly("read-" + identity);
        assertThat(after.get("NOBODY-" + identity)).isEmpty();
    }

    @Test
    void removingTheLastMemberLeavesAnEmptyEntitlement() throws Exception {
        ((CreateOp) connector).create(identity, attributes());
        String solo = "solo-" + identity;
        ((EntitlementOp) connector).addEntitlement(identity, solo);

        ((EntitlementOp) connector).removeEntitlement(identity, solo);

        assertThat(read().entitlements()).doesNotContain(solo);
    }

    @Test
    void disabledAccountReadsBackDisabledAndCanBeEnabledAgain() throws Exception {
        ((CreateOp) connector).create(identity, attributes());

        ((EnableOp) connector).disable(identity);
        ((EnableOp) connector).disable(identity);
        assertThat(read().enabled()).isFalse();

        ((EnableOp) connector).enable(identity);
        assertThat(read().enabled()).isTrue();
    }

    @Test
    void aDeletedAccountIsGoneAndDeletingItAgainSucceeds() throws Exception {
        ((CreateOp) connector).create(identity, attributes());
        ((EnableOp) connector).disable(identity);

        ((DeleteOp) connector).delete(identity);
        ((DeleteOp) connector).delete(identity);

        assertThat(((ReadOp) connector).read(identity)).isEmpty();
        // and the user name is free again: a later create makes a new account
        ((CreateOp) connector).create(identity, attributes());
        assertThat(read().enabled()).isTrue();
    }

    @Test
    void listingReadsEveryAccountPageByPageWithItsEntitlements() throws Exception {
        String other = identity + "b";
        ((CreateOp) connector).create(identity, attributes());
        ((CreateOp) connector).create(other, Map.of("userName", userName + "b", "employeeNumber", other,
            "familyName", "Other", "email", userName + "b@example.com"));
        ((EntitlementOp) connector).addEntitlement(identity, "listed");
        ((EnableOp) connector).disable(other);

        Map<String, ListOp.ListedAccount> seen = new java.util.HashMap<>();
        long count = ((ListOp) connector).list(1, a -> {
            if (a.identity() != null) {
                seen.put(a.identity(), a);
            }
        });

        assertThat(count).isGreaterThanOrEqualTo(2);
        assertThat(seen.get(identity).entitlements()).containsExactly("listed");
        assertThat(seen.get(identity).enabled()).isTrue();
        assertThat(seen.get(other).enabled()).isFalse();
        assertThat(seen.get(other).entitlements()).isEmpty();
    }

    @Test
    void disablingAnAccountThatDoesNotExistSucceeds() throws Exception {
        ((EnableOp) connector).disable(identity);

        assertThat(((ReadOp) connector).read(identity)).isEmpty();
    }

    @Test
    void updateChangesOnlyTheGivenAttributes() throws Exception {
        ((CreateOp) connector).create(identity, attributes());

        ((UpdateOp) connector).update(identity, Map.of("department", "Finance"));

        assertThat(read().attributes().values()).contains("Finance", userName + "@example.com")
            .doesNotContain("Engineering");
    }

    @Test
    void aUserNameChangeReachesTheAccountWhichKeepsItsEntitlements() throws Exception {
        ((CreateOp) connector).create(identity, attributes());
        ((EntitlementOp) connector).addEntitlement(identity, "renamed-" + identity);

        ((UpdateOp) connector).update(identity, Map.of("userName", userName + "-renamed"));

        TargetAccount account = read();
        assertThat(account.attributes()).containsEntry("userName", userName + "-renamed");
        assertThat(account.attributes().values()).contains(userName + "@example.com");
        assertThat(account.entitlements()).containsExactly("renamed-" + identity);
    }

    @Test
    void entitlementForAnAccountThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> ((EntitlementOp) connector).addEntitlement(identity, "x"))
            .isInstanceOf(ConnectorException.class)
            .isNotInstanceOf(RetryableConnectorException.class);
    }
}
