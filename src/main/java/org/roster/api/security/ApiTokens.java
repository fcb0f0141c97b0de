package org.roster.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
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

    /**
     * Makes the tokens that come from the environment and the configuration exactly these: a token
     * whose value changed is replaced (the old value stops working), one no longer given is removed,
     * a new one is added. Tokens of other origins are left alone.
     *
     * @param origin {@code bootstrap} or {@code config}
     * @param tokens name to token value
     * @return how many stored tokens were revoked
     */
    public int replace(String origin, java.util.Map<String, String> tokens) {
        java.util.Map<String, String> hashes = new java.util.HashMap<>();
        tokens.forEach((name, token) -> {
            if (token.length() < MIN_LENGTH) {
                throw new IllegalArgumentException("an API token must be at least " + MIN_LENGTH + " characters");
            }
            hashes.put(name, hash(token));
        });
        int revoked = 0;
        for (var row : jdbc.sql("select name, token_hash from api_token where origin = ?").param(origin)
                .query((rs, n) -> java.util.Map.entry(rs.getString(1), rs.getString(2))).list()) {
            if (!row.getValue().equals(hashes.get(row.getKey()))) {
                revoked += jdbc.sql("delete from api_token where token_hash = ?").param(row.getValue()).update();
            }
        }
        hashes.forEach((name, hash) -> {
            Optional<String> holder = nameOf(hash);
            if (holder.isPresent() && !holder.get().equals(name)) {
                throw new IllegalArgumentException("the token given for '" + name + "' is already the token of '"
                    + holder.get() + "'");
            }
            if (holder.isEmpty()) {
                jdbc.sql("insert into api_token (id, name, token_hash, created_at, origin) values (?, ?, ?, ?, ?)")
                    .params(UUID.randomUUID().toString(), name, hash, Timestamp.from(clock.instant()), origin).update();
            }
        });
        return revoked;
    }

    /** A token made through the API: its name, roles, sources, who made it and when (never its value). */
    public record Issued(String name, List<String> roles, @org.jspecify.annotations.Nullable List<String> sources,
                         String createdBy, java.time.Instant createdAt) {
    }

    /**
     * Makes a token through the API: a random value, returned once and stored only as its hash.
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public String issue(String name, List<String> roles, @org.jspecify.annotations.Nullable List<String> sources,
                        String by) {
        if (jdbc.sql("select count(*) from api_token where name = ?").param(name).query(Long.class).single() > 0) {
            throw new IllegalArgumentException("a token named '" + name + "' exists");
        }
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String token = "rst_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        jdbc.sql("""
                insert into api_token (id, name, token_hash, created_at, origin, roles, sources, created_by)
                values (?, ?, ?, ?, 'api', ?, ?, ?)""")
            .params(UUID.randomUUID().toString(), name, hash(token), Timestamp.from(clock.instant()),
                String.join(",", roles), sources == null ? null : String.join(",", sources), by)
            .update();
        return token;
    }

    /** Tokens made through the API, by name. */
    public List<Issued> issued() {
        return jdbc.sql("select name, roles, sources, created_by, created_at from api_token where origin = 'api'"
                + " order by name")
            .query((rs, n) -> new Issued(rs.getString(1), java.util.Objects.requireNonNull(split(rs.getString(2))),
                split(rs.getString(3)), rs.getString(4), rs.getTimestamp(5).toInstant()))
            .list();
    }

    private static @org.jspecify.annotations.Nullable List<String> split(@org.jspecify.annotations.Nullable String csv) {
        return csv == null ? null : List.of(csv.split(","));
    }

    /** Revokes a token made through the API: it stops working at once. */
    public boolean revoke(String name) {
        return jdbc.sql("delete from api_token where origin = 'api' and name = ?").param(name).update() > 0;
    }

    /**
     * A token as authenticated: the principal's name, and for a token made through the API the
     * roles and sources stored with it ({@code null} for the bootstrap and configured tokens, whose
     * roles are in the configuration).
     */
    public record Holder(String name, @org.jspecify.annotations.Nullable List<String> roles,
                         @org.jspecify.annotations.Nullable List<String> sources) {
    }

    /** Who holds the token, if it is a registered one: one read by its hash. */
    public Optional<Holder> authenticate(String token) {
        return jdbc.sql("select name, roles, sources from api_token where token_hash = ?").param(hash(token))
            .query((rs, n) -> new Holder(rs.getString(1), split(rs.getString(2)), split(rs.getString(3)))).optional();
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
