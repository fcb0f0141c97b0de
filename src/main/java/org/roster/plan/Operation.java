package org.roster.plan;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of a plan, with the reason it exists.
 *
 * @param attributes neutral account attributes ({@code userName}, {@code email}...) for create and
 *     update; the connector maps them to the target's own names
 * @param entitlement the entitlement for {@code ADD_ENTITLEMENT} and {@code REMOVE_ENTITLEMENT}
 * @param priority revocations: sent ahead of routine work
 */
public record Operation(String target, String identity, OperationKind kind, Map<String, String> attributes,
                        @Nullable String entitlement, String reason, boolean priority) {

    public Operation {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        attributes = Map.copyOf(attributes);
    }

    /** A short description for logs and audit: {@code ADD_ENTITLEMENT directory dept-sales}. */
    public String describe() {
        return kind + " " + target + (entitlement == null ? "" : " " + entitlement);
    }
}
