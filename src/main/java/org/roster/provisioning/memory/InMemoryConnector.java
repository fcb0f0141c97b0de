package org.roster.provisioning.memory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.roster.provisioning.Connector;
import org.roster.provisioning.ConnectorException;
import org.roster.provisioning.CreateOp;
import org.roster.provisioning.EnableOp;
import org.roster.provisioning.EntitlementBatchOp;
import org.roster.provisioning.ReadOp;
import org.roster.provisioning.RetryableConnectorException;
import org.roster.provisioning.TargetAccount;
import org.roster.provisioning.UpdateOp;

/**
 * A target that keeps accounts in memory: the fake for unit tests of everything above the SPI, and
 * a sink for trying policies. Can be told to be unreachable, to exercise retries, and to be slow.
 */
public final class InMemoryConnector implements Connector, CreateOp, UpdateOp, EnableOp, EntitlementBatchOp, ReadOp,
    org.roster.provisioning.DeleteOp, org.roster.provisioning.ListOp, org.roster.provisioning.CredentialOp,
    org.roster.provisioning.NonHumanAccountOp {

    private final String name;
    private final Map<String, TargetAccount> accounts = new ConcurrentHashMap<>();
    /** Non-human accounts: name to whether they are enabled (made on their first rotation). */
    private final Map<String, Boolean> nonHumans = new ConcurrentHashMap<>();
    private volatile boolean unreachable;
    private volatile long latencyNanos;

    public InMemoryConnector(String name) {
        this.name = name;
    }

    /** Whether a non-human account is there and enabled; empty when it is not there. */
    public Optional<Boolean> nonHumanEnabled(String nhiName) {
        return Optional.ofNullable(nonHumans.get(nhiName));
    }

    @Override
    public String rotateSecret(String nhiName) throws ConnectorException {
        changing();
        nonHumans.putIfAbsent(nhiName, true);
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    @Override
    public void disableNonHuman(String nhiName) throws ConnectorException {
        changing();
        nonHumans.put(nhiName, false);
    }

    @Override
    public void deleteNonHuman(String nhiName) throws ConnectorException {
        changing();
        nonHumans.remove(nhiName);
    }

    /** Every change takes this long before it is made (zero by default): a slow target. */
    public void setLatency(java.time.Duration latency) {
        this.latencyNanos = latency.toNanos();
    }

    /** While true, every operation fails as a retryable outage. */
    public void setUnreachable(boolean unreachable) {
        this.unreachable = unreachable;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CREATE, Capability.UPDATE, Capability.ENABLE, Capability.ENTITLEMENTS, Capability.READ,
            Capability.DELETE);
    }

    @Override
    public void create(String identity, Map<String, String> attributes) throws ConnectorException {
        changing();
        accounts.merge(identity, new TargetAccount(identity, true, attributes, Set.of()),
            (old, fresh) -> new TargetAccount(identity, true, merge(old.attributes(), attributes), old.entitlements()));
    }

    @Override
    public void update(String identity, Map<String, String> changes) throws ConnectorException {
        TargetAccount a = require(identity);
        accounts.put(identity, new TargetAccount(identity, a.enabled(), merge(a.attributes(), changes), a.entitlements()));
    }

    @Override
    public void enable(String identity) throws ConnectorException {
        TargetAccount a = require(identity);
        accounts.put(identity, new TargetAccount(identity, true, a.attributes(), a.entitlements()));
    }

    @Override
    public void disable(String identity) throws ConnectorException {
        changing();
        accounts.computeIfPresent(identity, (k, a) -> new TargetAccount(k, false, a.attributes(), a.entitlements()));
    }

    @Override
    public void addEntitlement(String identity, String entitlement) throws ConnectorException {
        TargetAccount a = require(identity);
        Set<String> e = new TreeSet<>(a.entitlements());
        e.add(entitlement);
        accounts.put(identity, new TargetAccount(identity, a.enabled(), a.attributes(), e));
    }

    @Override
    public void removeEntitlement(String identity, String entitlement) throws ConnectorException {
        changing();
        accounts.computeIfPresent(identity, (k, a) -> {
            Set<String> e = new TreeSet<>(a.entitlements());
            e.remove(entitlement);
            return new TargetAccount(k, a.enabled(), a.attributes(), e);
        });
    }

    @Override
    public long list(int pageSize, java.util.function.Consumer<ListedAccount> each) throws ConnectorException {
        check();
        long n = 0;
        for (TargetAccount a : new java.util.ArrayList<>(accounts.values())) {
            each.accept(new ListedAccount(a.nativeId(), a.nativeId(), a.enabled(), a.attributes(), a.entitlements()));
            n++;
        }
        return n;
    }

    @Override
    public Set<String> comparedAttributes() {
        return Set.of("givenName", "familyName", "displayName", "email", "title", "department");
    }

    @Override
    public void delete(String identity) throws ConnectorException {
        changing();
        accounts.remove(identity);
    }

    @Override
    public Optional<TargetAccount> read(String identity) throws ConnectorException {
        check();
        return Optional.ofNullable(accounts.get(identity));
    }

    @Override
    public void close() {
        accounts.clear();
    }

    private TargetAccount require(String identity) throws ConnectorException {
        changing();
        TargetAccount a = accounts.get(identity);
        if (a == null) {
            throw new ConnectorException("no account for " + identity);
        }
        return a;
    }

    /** Before a change: unreachable or not, then as slow as the target was told to be. */
    private void changing() throws RetryableConnectorException {
        check();
        long latency = latencyNanos;
        if (latency > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(latency);
        }
    }

    private void check() throws RetryableConnectorException {
        if (unreachable) {
            throw new RetryableConnectorException("target " + name + " is unreachable");
        }
    }

    private static Map<String, String> merge(Map<String, String> base, Map<String, String> changes) {
        Map<String, String> m = new LinkedHashMap<>(base);
        changes.forEach((k, v) -> {
            if (v.isEmpty()) {
                m.remove(k);
            } else {
                m.put(k, v);
            }
        });
        return m;
    }
}
