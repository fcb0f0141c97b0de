package org.roster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The audit hash is taken over the array docs/audit.md describes, written out here by hand: a JSON
 * library upgrade that escaped differently (a slash, a control character, non-ASCII) would change
 * the hash of records already stored, and every chain would stop verifying.
 */
class AuditHashTests {

    @Test
    void theHashIsTakenOverTheDocumentedArray() throws Exception {
        String detail = "moved to R&D/Paris \"é\"\ttab\nline \\ \u0001 \u007f \u2028";
        String hash = AuditHash.of(AuditHash.GENESIS, 42, Instant.parse("2026-12-04T10:15:30.120Z"), "E1", "TRANSITION",
            "DECISION", "hr:workday", null, detail, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");

        String canonical = "[\"" + AuditHash.GENESIS + "\",42,\"2026-12-04T10:15:30.120Z\",\"E1\",\"TRANSITION\","
            + "\"DECISION\",\"hr:workday\",null,\"moved to R&D/Paris \\\"é\\\"\\ttab\\nline \\\\ \\u0001 \u007f \u2028\","
            + "\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\"]";
        assertThat(hash).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(canonical.getBytes(StandardCharsets.UTF_8))));
    }
}
