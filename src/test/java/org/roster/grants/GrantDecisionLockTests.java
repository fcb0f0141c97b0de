package org.roster.grants;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.scim2.client.ScimService;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.roster.lifecycle.Lifecycle;
import org.roster.support.ScimClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A decision on a grant (approve, reject, revoke, expire) takes its identity's lock, as an HR change
 * does, so the two never interleave: a leaver ending every grant while one was being approved could
 * miss it, and the approved access would go out after the leaver's revocation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "roster.demo.enabled=false",
    "ROSTER_BOOTSTRAP_TOKEN=" + GrantDecisionLockTests.TOKEN,
    "roster.store.url=jdbc:h2:mem:grant-locks;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
    "roster.provisioning.targets[0].name=directory",
    "roster.provisioning.targets[0].type=memory"})
class GrantDecisionLockTests {

    static final String TOKEN = "grant-locks-token-0123456789abcd";

    @LocalServerPort
    int port;
    @Autowired
    AccessGrants grants;
    @Autowired
    Lifecycle lifecycle;
    @Autowired
    TransactionTemplate tx;

    @Test
    void anApprovalWaitsForAnHrChangeToTheSameIdentity() throws Exception {
        ScimService hr = ScimClients.hr("http://127.0.0.1:" + port, TOKEN);
        hr.create("Users", ScimClients.user("GL1", "gl1", "Sales", "employee", null));
        AccessGrant requested = grants.requestException(new AccessGrants.Request("GL1", "directory", "vpn",
            "on call", Instant.now().plus(Duration.ofDays(1)), null), "alice");

        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread hrChange = new Thread(() -> tx.executeWithoutResult(s -> {
            lifecycle.lock("GL1");
            locked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        hrChange.start();
        assertThat(locked.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<AccessGrant> approval = CompletableFuture.supplyAsync(
            () -> grants.approve(requested.id(),
                org.roster.principals.Principal.token("bob", java.util.Set.of(org.roster.principals.Role.OPERATOR)), null));
        Thread.sleep(500);
        assertThat(approval).as("the approval waits while the identity is being changed").isNotDone();
        release.countDown();
        hrChange.join();
        assertThat(approval.get(5, TimeUnit.SECONDS).status()).isEqualTo(AccessGrant.Status.ACTIVE);
    }
}
