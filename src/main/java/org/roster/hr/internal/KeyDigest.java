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

    /**
     * The low half as the import's open-addressing tables keep it: an all-zero entry marks a free
     * one there, so a digest that is all zero is kept as {@code (0, 1)} (one more 2^-128 chance of
     * two numbers sharing a digest).
     */
    long tableLow() {
        return high == 0 && low == 0 ? 1 : low;
    }

    public static KeyDigest of(String key) {
        ByteBuffer d = ByteBuffer.wrap(SHA.get().digest(key.getBytes(StandardCharsets.UTF_8)));
        return new KeyDigest(d.getLong(), d.getLong());
    }
}
