package org.roster.provisioning.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.ReadOp;
import org.roster.provisioning.Revocation;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.internal.Outcomes.Acknowledged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks that a leaver's access on a target is really gone once every operation Roster had for
 * them there was acknowledged: the account is read back through the connector (disabled with no
 * entitlement, or absent). The result, its time and the latency from the HR change are recorded,
 * audited and measured ({@code roster_revocation_seconds}), and compared with the target's
 * revocation SLO; a breach is audited and counted ({@code roster_slo_breaches_total}).
 */
@Component
class RevocationCheck {

    private static final Logger log = LoggerFactory.getLogger(RevocationCheck.class);

    private final OutboxRepository outbox;
    private final RevocationRepository revocations;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MeterRegistry meters;

    RevocationCheck(OutboxRepository outbox, RevocationRepository revocations, AuditLog audit, TransactionTemplate tx,
                    Clock clock, MeterRegistry meters) {
        this.outbox = outbox;
        this.revocations = revocations;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.meters = meters;
    }

    /** After a lane recorded acknowledged revocations: checks each identity that has nothing left pending there. */
    void afterRevocations(Connector connector, @Nullable Duration slo, List<Acknowledged> acknowledged) {
        Map<String, Acknowledged> latest = new LinkedHashMap<>();
        for (Acknowledged a : acknowledged) {
            if (a.entry().operation().priority() && !a.entry().operation().kind().nonHuman()) {
                latest.put(a.entry().operation().identity(), a);
            }
        }
        List<String> due = latest.keySet().stream().filter(identity -> !outbox.hasPending(connector.name(), identity))
            .toList();
        // read back together where the target can (a wave of leavers: a few searches, not two requests each);
        // if that fails, each is read on its own below, and fails on its own
        Map<String, Optional<TargetAccount>> read = Map.of();
        if (due.size() > 1 && connector instanceof ReadOp reader) {
            try {
                read = reader.readAll(due);
            } catch (ConnectorException | RuntimeException e) {
                log.debug("reading {} accounts back from {} at once failed ({}): one at a time", due.size(),
                    connector.name(), e.toString());
            }
        }
        for (String identity : due) {
            check(connector, slo, identity, latest.get(identity), read.get(identity));
        }
    }

    /** {@code known}: the account as already read back, or null to read it now. */
    private void check(Connector connector, @Nullable Duration slo, String identity, Acknowledged last,
                       @Nullable Optional<TargetAccount> known) {
        Revocation.Result result;
        String detail;
        if (!(connector instanceof ReadOp reader)) {
            result = Revocation.Result.NOT_VERIFIABLE;
            detail = "target '" + connector.name() + "' cannot read accounts back";
        } else {
            try {
                Optional<TargetAccount> account = known != null ? known : reader.read(identity);
                if (account.isEmpty()) {
                    result = Revocation.Result.VERIFIED;
                    detail = "no account any more";
                } else if (!account.get().enabled() && account.get().entitlements().isEmpty()) {
                    int sessions = connector instanceof org.roster.provisioning.SessionsOp s
                        ? s.liveSessions(identity) : 0;
                    result = sessions == 0 ? Revocation.Result.VERIFIED : Revocation.Result.FAILED;
                    detail = "account reads back disabled, with no entitlement" + (sessions == 0
                        ? (connector instanceof org.roster.provisioning.SessionsOp ? ", and no live session" : "")
                        : ", but " + sessions + " session(s) still live");
                } else {
                    result = Revocation.Result.FAILED;
                    detail = "account reads back " + (account.get().enabled() ? "ENABLED" : "disabled")
                        + (account.get().entitlements().isEmpty() ? "" : ", still holding " + account.get().entitlements());
                }
            } catch (ConnectorException | RuntimeException e) {
                result = Revocation.Result.NOT_VERIFIABLE;
                detail = "read-back failed: " + e.getMessage();
            }
        }
        Instant checked = clock.instant();
        Instant received = last.entry().hrReceivedAt();
        Duration latency = Duration.between(received, checked);
        boolean breached = slo != null && latency.compareTo(slo) > 0;
        Revocation r = new Revocation(identity, connector.name(), last.entry().correlationId(), received, last.at(),
            checked, result, detail, latency, slo, breached);
        Revocation.Result outcome = result;
        String text = detail;
        tx.executeWithoutResult(s -> {
            revocations.save(r);
            audit.append(new AuditEntry(identity, "REVOCATION_" + outcome.name(), AuditEntry.Stage.EXECUTION, "roster",
                connector.name(), text + "; " + latency.toMillis() + " ms after the HR change was received",
                r.correlationId()));
            if (breached) {
                audit.append(new AuditEntry(identity, "SLO_BREACH", AuditEntry.Stage.EXECUTION, "roster",
                    connector.name(), "revocation took " + latency.toMillis() + " ms, above the " + slo.toMillis()
                        + " ms objective of '" + connector.name() + "'", r.correlationId()));
            }
        });
        Timer.builder("roster.revocation")
            .description("Time from receiving a leaver's HR change to checking that access is gone on a target")
            .tag("target", connector.name()).tag("result", result.name())
            .publishPercentileHistogram().register(meters).record(latency);
        if (breached) {
            meters.counter("roster.slo.breaches", "target", connector.name()).increment();
            log.warn("revocation SLO breached on {} for {}: {} ms (objective {} ms)", connector.name(), identity,
                latency.toMillis(), slo.toMillis());
        }
        if (result == Revocation.Result.FAILED) {
            log.warn("revocation of {} on {} not verified: {}", identity, connector.name(), detail);
        }
    }
}
