package org.roster.runtime;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature scheme of every webhook Roster sends or receives: {@code X-Roster-Timestamp} (Unix
 * seconds) and {@code X-Roster-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">}.
 */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    /** Hex HMAC-SHA256 of {@code <timestamp>.<body>}: what goes after {@code sha256=}. */
    public static String sign(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is always available", e);
        }
    }
}
