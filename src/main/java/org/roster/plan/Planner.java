package org.roster.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Pure planning: desired access against known accounts, per target, into ordered operations.
 * Revocations come first (disable, then removals), so a leaver loses access before any cleanup
 * and a mover loses the old position's access before gaining the new one's.
 */
public final class Planner {

    private Planner() {
    }

    /**
     * The access an identity should have on one target. {@code enabled == false} is a suspension:
     * the account, if there is one, is disabled and keeps those of its entitlements listed here
     * (nothing is added to a disabled account). A target with no {@code Desired} at all gets every
     * access revoked.
     */
    public record Desired(String target, boolean enabled, Map<String, String> attributes,
                          Map<String, String> entitlements) {
        public Desired {
            attributes = Map.copyOf(attributes);
            entitlements = Map.copyOf(entitlements);
        }
    }

    /**
     * @param desired per target; a target absent here but holding an account gets that account revoked
     * @param context a short phrase for reasons, e.g. {@code LEAVER} or {@code MOVER (department: A -> B)}
     * @param revocation true for a leaver: its operations take the priority lane
     */
    public static Plan plan(String identity, Collection<Desired> desired, Collection<AccountSnapshot> known,
                            String context, boolean revocation, String correlationId, Instant receivedAt,
                            Instant now, String policyVersion, String source) {
        return plan(identity, desired, known, context, revocation, false, correlationId, receivedAt, now,
            policyVersion, source);
    }

    /**
     * @param delete also delete the accounts no access is granted on any more (after the grace period)
     */
    public static Plan plan(String identity, Collection<Desired> desired, Collection<AccountSnapshot> known,
                            String context, boolean revocation, boolean delete, String correlationId,
                            Instant receivedAt, Instant now, String policyVersion, String source) {
        Map<String, Desired> want = new TreeMap<>();
        desired.forEach(d -> want.put(d.target(), d));
        Map<String, AccountSnapshot> have = new TreeMap<>();
        known.forEach(k -> have.put(k.target(), k));
        Set<String> targets = new TreeSet<>(want.keySet());
        targets.addAll(have.keySet());

        List<Operation> revoke = new ArrayList<>();
        List<Operation> routine = new ArrayList<>();
        List<Operation> deletes = new ArrayList<>();
        for (String target : targets) {
            Desired d = want.get(target);
            AccountSnapshot k = have.get(target);
            if (d != null && d.enabled()) {
                grant(identity, d, k, context, revoke, routine);
            } else if (d != null) {
                if (k != null && k.enabled()) {
                    revoke.add(new Operation(target, identity, OperationKind.DISABLE, Map.of(), null,
                        context + (d.entitlements().isEmpty() && !k.entitlements().isEmpty()
                            ? ": disabled" : ": suspended, entitlements kept"), revocation));
                }
                // A disabled account keeps only the entitlements desired for it.
                for (String e : k == null ? Set.<String>of() : new TreeSet<>(k.entitlements())) {
                    if (!d.entitlements().containsKey(e)) {
                        revoke.add(new Operation(target, identity, OperationKind.REMOVE_ENTITLEMENT, Map.of(), e,
                            context + ": not kept while access is suspended", revocation));
                    }
                }
            } else if (k != null) {
                if (k.enabled()) {
                    revoke.add(new Operation(target, identity, OperationKind.DISABLE, Map.of(), null,
                        context + ": no access granted any more", revocation));
                }
                for (String e : new TreeSet<>(k.entitlements())) {
                    revoke.add(new Operation(target, identity, OperationKind.REMOVE_ENTITLEMENT, Map.of(), e,
                        context + ": no rule grants it any more", revocation));
                }
                if (delete) {
                    deletes.add(new Operation(target, identity, OperationKind.DELETE, Map.of(), null,
                        context + ": disabled for the grace period, deleted", false));
                }
            }
        }
        // Disables before removals, across targets: the account is dead before cleanup starts.
        List<Operation> ordered = new ArrayList<>();
        revoke.stream().filter(o -> o.kind() == OperationKind.DISABLE).forEach(ordered::add);
        revoke.stream().filter(o -> o.kind() != OperationKind.DISABLE).forEach(ordered::add);
        ordered.addAll(deletes); // last: an account is emptied before it goes
        ordered.addAll(routine);
        return new Plan(identity, correlationId, receivedAt, now, policyVersion, ordered, source);
    }

    private static void grant(String identity, Desired d, @Nullable AccountSnapshot k, String context,
                              List<Operation> revoke, List<Operation> routine) {
        String target = d.target();
        if (k == null) {
            routine.add(new Operation(target, identity, OperationKind.CREATE, d.attributes(), null,
                context + ": account granted by " + String.join(", ", new TreeSet<>(d.entitlements().values().isEmpty()
                    ? Set.of("policy") : d.entitlements().values())), false));
        } else {
            if (!k.enabled()) {
                routine.add(new Operation(target, identity, OperationKind.ENABLE, Map.of(), null,
                    context + ": access granted again", false));
            }
            Map<String, String> changed = new LinkedHashMap<>();
            d.attributes().forEach((name, value) -> {
                if (!value.equals(k.attributes().get(name))) {
                    changed.put(name, value);
                }
            });
            k.attributes().keySet().stream().filter(n -> !d.attributes().containsKey(n)).forEach(n -> changed.put(n, ""));
            if (!changed.isEmpty()) {
                routine.add(new Operation(target, identity, OperationKind.UPDATE, changed, null,
                    context + ": HR attributes changed (" + String.join(", ", changed.keySet()) + ")", false));
            }
            for (String e : new TreeSet<>(k.entitlements())) {
                if (!d.entitlements().containsKey(e)) {
                    revoke.add(new Operation(target, identity, OperationKind.REMOVE_ENTITLEMENT, Map.of(), e,
                        context + ": no rule grants it any more", false));
                }
            }
        }
        Set<String> held = k == null ? Set.of() : k.entitlements();
        new TreeMap<>(d.entitlements()).forEach((e, rule) -> {
            if (!held.contains(e)) {
                routine.add(new Operation(target, identity, OperationKind.ADD_ENTITLEMENT, Map.of(), e,
                    context + ": granted by rule '" + rule + "'", false));
            }
        });
    }
}
