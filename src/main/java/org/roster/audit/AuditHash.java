package org.roster.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hash that chains audit records: SHA-256 over a canonical JSON array of the previous record's
 * hash and this record's every field, in a fixed order. Anyone can recompute it from an export; it
 * needs no key.
 */
public final class AuditHash {

    /** The "previous hash" of the first chained record. */
    public static final String GENESIS = "0".repeat(64);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AuditHash() {
    }

    public static String of(String prevHash, long seq, Instant recordedAt, @Nullable String identity, String kind,
                            String stage, String actor, @Nullable String target, String detail,
                            @Nullable String correlationId) {
        String canonical = JSON.writeValueAsString(Arrays.asList(prevHash, seq, recordedAt.toString(), identity, kind,
            stage, actor, target, detail, correlationId));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    public static String of(AuditRecord r) {
        AuditEntry e = r.entry();
        return of(r.prevHash() == null ? GENESIS : r.prevHash(), r.seq(), r.recordedAt(), e.identity(), e.kind(),
            e.stage().name(), e.actor(), e.target(), e.detail(), e.correlationId());
    }
}
