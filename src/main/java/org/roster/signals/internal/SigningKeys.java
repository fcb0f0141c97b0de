package org.roster.signals.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The transmitter's ES256 signing keys, in the store: the newest signs; it and those rotated out
 * less than {@code key-overlap} ago are published at the JWKS endpoint, so a receiver verifies a
 * token signed just before a rotation. A key is made on first use.
 */
@Component
public class SigningKeys {

    private final JdbcClient jdbc;
    private final Clock clock;

    SigningKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private volatile @org.jspecify.annotations.Nullable ECKey cached;
    private volatile long cachedAt;

    /** The key that signs now (read from the store at most once a minute, so another instance's rotation is seen). */
    public ECKey current() {
        ECKey key = cached;
        if (key != null && System.nanoTime() - cachedAt < 60_000_000_000L) {
            return key;
        }
        synchronized (this) {
            List<String> keys = jdbc.sql("select jwk from ssf_key where retired_at is null order by created_at desc limit 1")
                .query(String.class).list();
            key = keys.isEmpty() ? rotate() : parse(keys.get(0));
            cached = key;
            cachedAt = System.nanoTime();
            return key;
        }
    }

    /** A new signing key; the previous one retires but stays published for the overlap. */
    public synchronized ECKey rotate() {
        ECKey key;
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                .algorithm(com.nimbusds.jose.JWSAlgorithm.ES256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("P-256 key generation is always available", e);
        }
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("update ssf_key set retired_at = ? where retired_at is null").param(now).update();
        jdbc.sql("insert into ssf_key (kid, jwk, created_at) values (?, ?, ?)")
            .params(key.getKeyID(), key.toJSONString(), now).update();
        cached = key;
        cachedAt = System.nanoTime();
        return key;
    }

    /** The public keys a receiver verifies with: the current one and those retired within the overlap. */
    public JWKSet published(java.time.Duration overlap) {
        current();
        Instant since = clock.instant().minus(overlap);
        List<ECKey> keys = jdbc.sql("select jwk from ssf_key where retired_at is null or retired_at > ? order by created_at desc")
            .param(Timestamp.from(since)).query(String.class).list().stream().map(SigningKeys::parse)
            .map(ECKey::toPublicJWK).toList();
        return new JWKSet(List.copyOf(keys));
    }

    private static ECKey parse(String json) {
        try {
            return ECKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key does not parse", e);
        }
    }
}
