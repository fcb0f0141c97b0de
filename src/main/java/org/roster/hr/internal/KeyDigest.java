package org.roster.hr.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The first 128 bits of a key's SHA-256: how an import's in-memory tables ({@link SeenKeys},
 * {@link PreviousRows}) hold employee numbers. Computed once per row and handed to both.
 */
public record KeyDigest(long high, long low) {

    private static final ThreadLocal<MessageDigest> SHA = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    });

    public static KeyDigest of(String key) {
        ByteBuffer d = ByteBuffer.wrap(SHA.get().digest(key.getBytes(StandardCharsets.UTF_8)));
        return new KeyDigest(d.getLong(), d.getLong());
    }
}
