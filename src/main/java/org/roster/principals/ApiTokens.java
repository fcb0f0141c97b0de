package org.roster.principals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
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

    private final org.roster.audit.AuditLog audit;
    private final org.springframework.transaction.support.TransactionTemplate tx;

    public ApiTokens(JdbcClient jdbc, Clock clock, org.roster.audit.AuditLog audit,
                     org.springframework.transaction.support.TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.audit = audit;
        this.tx = tx;
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

    /**
     * A stored token, never its value: where it comes from ({@code bootstrap}, {@code config} or
     * {@code api}), its roles and sources when made through the API, its expiry, its last use, and
     * until when its previous value still works after a rotation.
     */
    public record Stored(String id, String name, String origin, @Nullable List<String> roles,
                         @Nullable List<String> sources, @Nullable String createdBy, Instant createdAt,
                         @Nullable Instant expiresAt, @Nullable Instant lastUsedAt,
                         @Nullable Instant previousValidUntil) {
    }

    /** A token just made or rotated: its id, its value (shown this once) and its expiry. */
    public record Made(String id, String token, @Nullable Instant expiresAt) {
    }

    /**
     * Makes a token through the API: a random value, returned once and stored only as its hash.
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public Made issue(String name, List<String> roles, @Nullable List<String> sources, Instant expiresAt, String by) {
        if (jdbc.sql("select count(*) from api_token where name = ?").param(name).query(Long.class).single() > 0) {
            throw new IllegalArgumentException("a token named '" + name + "' exists");
        }
        String token = newValue();
        String id = UUID.randomUUID().toString();
        jdbc.sql("""
                insert into api_token (id, name, token_hash, created_at, origin, roles, sources, created_by, expires_at)
                values (?, ?, ?, ?, 'api', ?, ?, ?, ?)""")
            .params(id, name, hash(token), Timestamp.from(clock.instant()), String.join(",", roles),
                sources == null ? null : String.join(",", sources), by, Timestamp.from(expiresAt))
            .update();
        return new Made(id, token, expiresAt);
    }

    /**
     * Gives a token made through the API a new value. The old value keeps working until
     * {@code overlap} has passed (never past the token's own expiry), so the holder can switch
     * without a gap; a second rotation within the overlap ends the first old value at once.
     */
    public Made rotate(Stored stored, Duration overlap) {
        String token = newValue();
        Instant now = clock.instant();
        Instant oldUntil = now.plus(overlap);
        if (stored.expiresAt() != null && stored.expiresAt().isBefore(oldUntil)) {
            oldUntil = stored.expiresAt();
        }
        jdbc.sql("""
                update api_token set previous_hash = token_hash, previous_expires_at = ?, token_hash = ?
                where id = ? and origin = 'api'""")
            .params(Timestamp.from(oldUntil), hash(token), stored.id()).update();
        return new Made(stored.id(), token, stored.expiresAt());
    }

    private static String newValue() {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        return "rst_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Every stored token (bootstrap, configured and made through the API), by name; never a value. */
    public List<Stored> all() {
        return jdbc.sql(SELECT + " order by name").query(ApiTokens::stored).list();
    }

    /** A stored token by its id, or by its name. */
    public Optional<Stored> find(String idOrName) {
        return jdbc.sql(SELECT + " where id = ? or name = ? order by case when id = ? then 0 else 1 end")
            .params(idOrName, idOrName, idOrName).query(ApiTokens::stored).stream().findFirst();
    }

    private static final String SELECT = """
        select id, name, origin, roles, sources, created_by, created_at, expires_at, last_used_at, previous_expires_at
        from api_token""";

    private static Stored stored(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Stored(rs.getString(1), rs.getString(2), rs.getString(3), split(rs.getString(4)),
            split(rs.getString(5)), rs.getString(6), rs.getTimestamp(7).toInstant(), instant(rs.getTimestamp(8)),
            instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)));
    }

    private static @Nullable Instant instant(@Nullable Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static @Nullable List<String> split(@Nullable String csv) {
        return csv == null ? null : List.of(csv.split(","));
    }

    /**
     * Revokes a token made through the API, with its previous value: both stop working at once. The
     * deletion and its {@code TOKEN_REVOKED} record are committed together.
     *
     * @return false when it was revoked meanwhile
     */
    public boolean revoke(Stored token, String by) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            if (jdbc.sql("delete from api_token where origin = 'api' and id = ?").param(token.id()).update() == 0) {
                return false;
            }
            audit.append(new org.roster.audit.AuditEntry(null, "TOKEN_REVOKED", org.roster.audit.AuditEntry.Stage.REQUEST,
                by, null, "API token '" + token.name() + "' (" + token.id() + ") revoked", null));
            return true;
        }));
    }

    /**
     * A token as authenticated: the principal's name, and for a token made through the API the
     * roles and sources stored with it ({@code null} for the bootstrap and configured tokens, whose
     * roles are in the configuration). {@code validUntil} is when this value stops working, if ever.
     */
    public record Holder(String id, String name, @Nullable List<String> roles, @Nullable List<String> sources,
                         @Nullable Instant validUntil) {

        public boolean expired(Instant now) {
            return validUntil != null && !now.isBefore(validUntil);
        }
    }

    /**
     * Who holds the token, if it is a registered one: one read by its hash (a second, by the previous
     * value of a rotated token, only when the first finds nothing). The caller checks the expiry.
     */
    public Optional<Holder> authenticate(String token) {
        String hash = hash(token);
        Optional<Holder> current = jdbc.sql("select id, name, roles, sources, expires_at from api_token where token_hash = ?")
            .param(hash).query((rs, n) -> new Holder(rs.getString(1), rs.getString(2), split(rs.getString(3)),
                split(rs.getString(4)), instant(rs.getTimestamp(5)))).optional();
        if (current.isPresent()) {
            return current;
        }
        return jdbc.sql("select id, name, roles, sources, previous_expires_at from api_token where previous_hash = ?")
            .param(hash).query((rs, n) -> new Holder(rs.getString(1), rs.getString(2), split(rs.getString(3)),
                split(rs.getString(4)), instant(rs.getTimestamp(5)))).optional();
    }

    /**
     * Records that a token was used. Written at most once a minute per token, so the SCIM and
     * snapshot paths do not pay a write per request; "last used" is accurate to that minute.
     */
    public void used(String id) {
        Instant now = clock.instant();
        Instant last = lastWritten.get(id);
        if (last != null && last.plusSeconds(60).isAfter(now)) {
            return;
        }
        lastWritten.put(id, now);
        if (lastWritten.size() > 10_000) {
            lastWritten.clear();
        }
        jdbc.sql("update api_token set last_used_at = ? where id = ?").params(Timestamp.from(now), id).update();
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Instant> lastWritten =
        new java.util.concurrent.ConcurrentHashMap<>();

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
