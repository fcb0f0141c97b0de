package org.roster.audit;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code roster.audit}: signed checkpoints of the hash chain.
 *
 * @param signingKey the Ed25519 private key (PKCS#8, base64) that signs checkpoints: a secret, an
 *     {@code ${ENV_VAR}} reference. Unset, a key is made at start-up and lives as long as the
 *     process: its checkpoints verify (the public key is stored with each), but nothing pins it.
 * @param publicKey its public key (X.509, base64), required with it; what verifiers pin
 * @param checkpointInterval how often the chain's head is signed when records were added (default 5m)
 * @param checkpointFile a file each signed checkpoint is also appended to (JSON Lines, synced), outside
 *     the database: verification then also fails when checkpoints were deleted from the store
 */
@ConfigurationProperties("roster.audit")
public record AuditSettings(@Nullable String signingKey, @Nullable String publicKey,
                            @Nullable Duration checkpointInterval, @Nullable String checkpointFile) {

    public AuditSettings {
        checkpointInterval = checkpointInterval == null ? Duration.ofMinutes(5) : checkpointInterval;
    }

    @Override
    public String toString() {
        return "AuditSettings[checkpointInterval=" + checkpointInterval + ", checkpointFile=" + checkpointFile
            + "]"; // never the key
    }
}
