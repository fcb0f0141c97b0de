package org.roster.nhi;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One non-human identity.
 *
 * @param owner the employee number of the accountable person; null for an orphan
 * @param actingFor for an AI agent, the person it acts for (it ends with them)
 * @param previousOwner who owned it before a handover, while the new owner reviews it
 * @param reviewDueAt when the owner's review (after a handover or a move) is due
 * @param credential the secret it authenticates with (none for a workload: its SPIFFE SVIDs are short-lived)
 * @param disabledAt when its target acknowledged disabling it (it expired or was retired)
 * @param deleteAfter when it is to be deleted on its target, while that is still to come
 * @param deletedAt when its target acknowledged deleting it
 */
public record Nhi(String id, String name, Kind kind, String target, @Nullable String owner, @Nullable String actingFor,
                  String purpose, State state, String origin, Instant createdAt, String createdBy, Instant expiresAt,
                  @Nullable String previousOwner, @Nullable Instant reviewDueAt, Instant updatedAt,
                  @Nullable Credential credential, @Nullable Instant disabledAt, @Nullable Instant deleteAfter,
                  @Nullable Instant deletedAt) {

    /** The identity its operations on the target are queued under, in order: {@code nhi:<id>}. */
    public String operationKey() {
        return "nhi:" + id;
    }

    /**
     * A credential an NHI holds, as a record of its own.
     *
     * @param kind {@code password}, {@code client-secret}, {@code api-key} or {@code token}
     * @param createdAt when it was made, where the target says (a Keycloak client secret's creation time)
     * @param rotatedAt when Roster last gave it a new value (the target acknowledged, the sink took it)
     * @param lastUsedAt when it was last used, where the target says
     * @param rotationPlannedAt a rotation queued and not yet acknowledged
     */
    public record Credential(String kind, @Nullable Instant createdAt, @Nullable Instant rotatedAt,
                             @Nullable Instant lastUsedAt, @Nullable Instant rotationPlannedAt) {

        /** Since when the current value has existed, as far as anyone knows. */
        public @Nullable Instant since() {
            return rotatedAt != null ? rotatedAt : createdAt;
        }

        /** The credential a kind of NHI holds; none for a workload. */
        public static @Nullable String kindFor(Kind kind) {
            return switch (kind) {
                case SERVICE_ACCOUNT -> "password";
                case OAUTH_CLIENT -> "client-secret";
                case API_KEY -> "api-key";
                case AI_AGENT -> "token";
                case WORKLOAD -> null;
            };
        }
    }

    public enum Kind {
        SERVICE_ACCOUNT, API_KEY, OAUTH_CLIENT, WORKLOAD, AI_AGENT;

        /** As written in the API: {@code service-account}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Kind> fromWire(String value) {
            for (Kind k : values()) {
                if (k.wire().equalsIgnoreCase(value.trim()) || k.name().equalsIgnoreCase(value.trim())) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    public enum State {
        /** Owned and in use. */
        ACTIVE,
        /** Waiting for its owner's review: handed over when the previous owner left, or its owner moved. */
        REVIEW,
        /** Nobody accountable: the owner left with no manager to take it over. */
        ORPHAN,
        /** Its expiry passed. */
        EXPIRED,
        /** Ended by its owner or an operator, or with the person an AI agent acted for. */
        RETIRED
    }
}
