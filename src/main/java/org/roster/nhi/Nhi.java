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
 * @param rotationRequestedAt when its credential was marked for rotation (its owner left), until done
 * @param rotatedAt when its credential was last given a new value by Roster
 */
public record Nhi(String id, String name, Kind kind, String target, @Nullable String owner, @Nullable String actingFor,
                  String purpose, State state, String origin, Instant createdAt, String createdBy, Instant expiresAt,
                  @Nullable String previousOwner, @Nullable Instant reviewDueAt, Instant updatedAt,
                  @Nullable Instant rotationRequestedAt, @Nullable Instant rotatedAt) {

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
