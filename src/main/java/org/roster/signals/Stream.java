package org.roster.signals;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A receiver's event stream.
 *
 * @param owner the API token (role {@code receiver}) that made it; only it manages the stream
 * @param method {@code urn:ietf:rfc:8935} (push) or {@code urn:ietf:rfc:8936} (poll)
 * @param endpointUrl where pushed events go (push)
 * @param events the event types it asked for and Roster sends
 * @param format how subjects are identified: {@code email}, {@code opaque} (the employee number) or
 *     {@code iss_sub}
 * @param issuer the {@code iss} of its events: {@code roster.ssf.issuer}, or the address it was made at
 * @param status {@code enabled}, {@code paused} (events kept for later) or {@code disabled} (none kept)
 */
public record Stream(String id, String owner, String method, @Nullable String endpointUrl, List<String> events,
                     String format, String audience, String issuer, String status, @Nullable String reason, @Nullable String description,
                     Instant createdAt, Instant updatedAt) {
}
