package org.roster.provisioning.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.Operation;

/** Applies an operation to an account snapshot: how the account looks once the target acknowledged it. */
public final class AccountProjection {

    private AccountProjection() {
    }

    /**
     * The account after {@code op}; {@code null} in and a non-create out means the account is still
     * unknown, and a delete leaves no account.
     */
    public static @Nullable AccountSnapshot apply(@Nullable AccountSnapshot before, Operation op) {
        if (op.kind().nonHuman()) {
            return before; // a non-human account is the NHI inventory's, not an identity's
        }
        if (op.kind() == org.roster.plan.OperationKind.DELETE
            || (before == null && op.kind() != org.roster.plan.OperationKind.CREATE)) {
            return null;
        }
        boolean enabled = before == null || before.enabled();
        Map<String, String> attributes = new LinkedHashMap<>(before == null ? Map.of() : before.attributes());
        Set<String> entitlements = new TreeSet<>(before == null ? Set.of() : before.entitlements());
        switch (op.kind()) {
            case CREATE -> {
                enabled = true;
                attributes.putAll(op.attributes());
            }
            case UPDATE -> op.attributes().forEach((k, v) -> {
                if (v.isEmpty()) {
                    attributes.remove(k);
                } else {
                    attributes.put(k, v);
                }
            });
            case ENABLE -> enabled = true;
            case DISABLE -> enabled = false;
            case ADD_ENTITLEMENT -> entitlements.add(op.entitlement());
            case REMOVE_ENTITLEMENT -> entitlements.remove(op.entitlement());
            case DELETE, NHI_ROTATE, NHI_DISABLE, NHI_DELETE -> throw new IllegalStateException("handled above");
        }
        return new AccountSnapshot(op.target(), op.identity(), enabled, attributes, entitlements);
    }
}
