package org.roster.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * API bearer tokens. Only the SHA-256 of a token is stored: tokens are long random strings, so a
 * fast hash is enough (no dictionary to guess from), and lookups by hash stay an index read.
 */
@Component
public class ApiTokens {

    /** A token shorter than this is refused: it could be guessed. */
    public static final int MIN_LENGTH = 16;

    private final JdbcClient jdbc;
    private final Clock clock;

    public ApiTokens(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Registers a token under a name unless it is already registered. */
    public void register(String name, String token) {
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("an API token must be at least " + MIN_LENGTH + " characters");
        }
        String hash = hash(token);
        if (nameOf(hash).isPresent()) {
            return;
        }
        jdbc.sql("insert into api_token (id, name, token_hash, created_at) values (?, ?, ?, ?)")
            .params(UUID.randomUUID().toString(), name, hash, Timestamp.from(clock.instant()))
            .update();
    }

    /** The name of the token, if it is a registered one. */
    public Optional<String> authenticate(String token) {
        return nameOf(hash(token));
    }

    private Optional<String> nameOf(String hash) {
        return jdbc.sql("select name from api_token where token_hash = ?").param(hash).query(String.class).optional();
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
