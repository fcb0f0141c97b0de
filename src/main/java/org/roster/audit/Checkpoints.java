package org.roster.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.roster.runtime.WorkerLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Signs the audit chain's head with Ed25519 every {@code checkpoint-interval} when records were
 * added, and checks the signatures: a chain rewritten from the first record (every hash recomputed)
 * no longer matches a signed checkpoint, which only the key's holder could have made.
 */
@Service
public class Checkpoints extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

    /** One signed head of the chain. */
    public record Checkpoint(long seq, String hash, Instant signedAt, String keyId, String publicKey, String signature) {
    }

    /**
     * @param checked checkpoints whose signature is valid and whose record still has the signed hash
     * @param brokenAt the first checkpoint that fails, if any
     * @param keys the key ids that signed them: compare with the ones you trust
     */
    public record Result(long checked, Long brokenAt, String reason, Set<String> keys) {
    }

    /** Roster will not sign a new checkpoint: the chain or its checkpoints no longer hold. */
    public static final class CheckpointRefused extends RuntimeException {
        CheckpointRefused(String message) {
            super(message);
        }
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final AuditSettings settings;
    private final org.roster.audit.internal.AuditRepository records;
    private final org.roster.audit.internal.CheckpointJournal journal;
    /** Set once a break is found: nothing is signed over it until Roster restarts and finds it whole. */
    private volatile @org.jspecify.annotations.Nullable String refusal;
    private boolean checkedWhole;
    private final PrivateKey privateKey;
    private final String publicKey;
    private final String keyId;

    public Checkpoints(JdbcClient jdbc, Clock clock, AuditSettings settings,
                       org.roster.audit.internal.AuditRepository records) {
        super("roster-audit-checkpoints");
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = settings;
        this.records = records;
        this.journal = new org.roster.audit.internal.CheckpointJournal(settings.checkpointFile());
        try {
            KeyFactory ed = KeyFactory.getInstance("Ed25519");
            KeyPair pair;
            if (settings.signingKey() == null || settings.signingKey().isBlank()) {
                pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                log.info("roster.audit.signing-key is not set: audit checkpoints are signed with a key made for this"
                    + " process; in production set it to sign with a key you keep (and can pin when verifying)");
            } else {
                if (settings.publicKey() == null || settings.publicKey().isBlank()) {
                    throw new IllegalArgumentException("roster.audit.public-key must be given with the signing key");
                }
                pair = new KeyPair(ed.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(settings.publicKey()))),
                    ed.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(settings.signingKey()))));
                Signature probe = Signature.getInstance("Ed25519");
                probe.initSign(pair.getPrivate());
                probe.update(new byte[] {1});
                byte[] signed = probe.sign();
                probe.initVerify(pair.getPublic());
                probe.update(new byte[] {1});
                if (!probe.verify(signed)) {
                    throw new IllegalArgumentException("roster.audit.public-key is not the signing key's public key");
                }
            }
            this.privateKey = pair.getPrivate();
            this.publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
            this.keyId = keyId(publicKey);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("roster.audit.signing-key / public-key: not an Ed25519 key pair (PKCS#8 and"
                + " X.509, base64): " + e.getMessage(), e);
        }
    }

    /** Checkpoints kept in a file: the checkpoint file's JSON lines, or the JSON array of {@code GET /api/v1/audit/checkpoints}. */
    public static List<Checkpoint> read(java.nio.file.Path file) {
        return org.roster.audit.internal.CheckpointJournal.read(file);
    }

    /** The id of the key that signs: the first 16 hex digits of its public key's SHA-256. */
    public String keyId() {
        return keyId;
    }

    /** Nothing wakes the loop: it sleeps what its pass says, in cluster mode too. */
    @Override
    protected boolean keepsOwnTime() {
        return true;
    }

    /**
     * Signs when the last checkpoint is a {@code checkpoint-interval} old (at once after a start, which
     * checks the whole chain). The interval is the last checkpoint's age, whoever signed it (another
     * instance before it let the loop's lease go, or {@code POST /api/v1/audit/checkpoints}), not how
     * long the loop slept.
     */
    @Override
    protected long pass() {
        long interval = settings.checkpointInterval().toMillis();
        if (checkedWhole && refusal == null) {
            Timestamp last = jdbc.sql("select max(signed_at) from audit_checkpoint").query(Timestamp.class).optional()
                .orElse(null);
            if (last != null) {
                // a signing time ahead of this clock (another instance's, or a row changed) waits an interval at most
                long left = Math.min(interval, last.toInstant().plusMillis(interval).toEpochMilli() - clock.millis());
                if (left > 0) {
                    return left;
                }
            }
        }
        try {
            checkpoint();
        } catch (CheckpointRefused e) {
            // alerted when found
        }
        return interval;
    }

    /**
     * Signs the chain's head now, if records were added since the last checkpoint, and only over a
     * chain that holds: the checkpoints (none deleted, each still matching its record, the checkpoint
     * file agreeing) and the records since the last one. The first time after a start, the whole
     * chain is checked. A break is alerted (an ERROR in the log) and nothing is signed over it.
     *
     * @throws CheckpointRefused when the chain or its checkpoints are broken
     */
    public synchronized Optional<Checkpoint> checkpoint() {
        String problem = refusal != null ? refusal : problem();
        if (problem != null) {
            if (refusal == null) {
                log.error("ALERT: the audit chain is broken ({}); Roster will not sign a checkpoint over it."
                    + " Check GET /api/v1/audit/verify, and keep the store as it is for investigation", problem);
            }
            refusal = problem;
            throw new CheckpointRefused("the audit chain is broken: " + problem + "; no checkpoint is signed over it");
        }
        Map<String, Object> head = jdbc.sql("select last_seq, last_hash from audit_chain where id = 1").query().singleRow();
        long seq = ((Number) head.get("last_seq")).longValue();
        String hash = (String) head.get("last_hash");
        Long last = jdbc.sql("select max(seq) from audit_checkpoint").query(Long.class).optional().orElse(null);
        // GENESIS: nothing chained yet (an upgraded store whose head is a record from before the chain).
        if (seq == 0 || AuditHash.GENESIS.equals(hash) || (last != null && last >= seq)) {
            return Optional.empty();
        }
        Instant at = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Checkpoint c = new Checkpoint(seq, hash, at, keyId, publicKey, sign(seq, hash, at));
        jdbc.sql("""
                insert into audit_checkpoint (seq, hash, signed_at, key_id, public_key, signature)
                values (?, ?, ?, ?, ?, ?)""")
            .params(c.seq(), c.hash(), Timestamp.from(c.signedAt()), c.keyId(), c.publicKey(), c.signature()).update();
        jdbc.sql("update audit_chain set checkpoint_seq = ?, checkpoint_count = checkpoint_count + 1 where id = 1")
            .param(c.seq()).update();
        journal.append(c);
        return Optional.of(c);
    }

    /** Why the chain cannot be vouched for now, or null: its checkpoints, then its records (all of them the first time). */
    private @org.jspecify.annotations.Nullable String problem() {
        List<Checkpoint> stored = list();
        Result signed = verify(stored);
        if (signed.brokenAt() != null) {
            return signed.reason();
        }
        Optional<Checkpoint> last = checkedWhole ? stored.stream().filter(c -> !coversNothing(c))
            .reduce((a, b) -> b) : Optional.empty();
        Map.Entry<Long, String> head = records.head();
        ChainVerifier chain = last.map(c -> new ChainVerifier(c.seq(), c.hash())).orElseGet(ChainVerifier::new);
        // Without a checkpoint, from the first chained record: records from before the chain are not read.
        long from = last.map(Checkpoint::seq).orElseGet(() -> jdbc.sql(
            "select coalesce(min(seq), (select last_seq + 1 from audit_chain where id = 1)) - 1 from audit_record"
                + " where hash is not null").query(Long.class).single());
        records.forEach(from, 5_000, r -> {
            if (r.seq() <= head.getKey()) {
                chain.accept(r);
            }
        });
        chain.expectEnd(head.getKey(), head.getValue());
        records.expectNoneAfterHead(chain);
        checkedWhole = true;
        ChainVerifier.Result r = chain.result();
        return r.intact() ? null : "record " + r.brokenAt() + ": " + r.reason();
    }

    public List<Checkpoint> list() {
        return jdbc.sql("select * from audit_checkpoint order by seq")
            .query((rs, n) -> new Checkpoint(rs.getLong("seq"), rs.getString("hash"),
                rs.getTimestamp("signed_at").toInstant(), rs.getString("key_id"), rs.getString("public_key"),
                rs.getString("signature")))
            .list();
    }

    /**
     * Checks every checkpoint's signature, that the record it signed still has the signed hash, that
     * none was deleted (the store counts the checkpoints it signed, and the checkpoint file, when
     * configured, keeps a copy of each outside the database).
     */
    public Result verify() {
        return verify(list());
    }

    private Result verify(List<Checkpoint> stored) {
        long checked = 0;
        Set<String> keys = new java.util.TreeSet<>();
        Map<String, Object> mark = jdbc.sql("select checkpoint_seq, checkpoint_count from audit_chain where id = 1")
            .query().singleRow();
        long markSeq = ((Number) mark.get("checkpoint_seq")).longValue();
        long markCount = ((Number) mark.get("checkpoint_count")).longValue();
        long lastStored = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).seq();
        if (stored.size() < markCount || lastStored < markSeq) {
            return new Result(0, markSeq, "checkpoints were deleted: the store signed " + markCount + " up to record "
                + markSeq + ", and " + stored.size() + " remain" + (stored.isEmpty() ? "" : " up to record " + lastStored),
                keys);
        }
        Map<Long, Checkpoint> bySeq = new java.util.HashMap<>();
        stored.forEach(c -> bySeq.put(c.seq(), c));
        for (Checkpoint c : journal.read()) {
            Checkpoint inStore = bySeq.get(c.seq());
            if (inStore == null || !inStore.signature().equals(c.signature()) || !inStore.hash().equals(c.hash())) {
                return new Result(0, c.seq(), "checkpoint at record " + c.seq() + " is in " + journal.file() + " but "
                    + (inStore == null ? "no longer in the store: checkpoints were deleted" : "differs in the store"), keys);
            }
        }
        // the first checkpoint whose record no longer has the signed hash (or is gone), in one statement
        Map.Entry<Long, Optional<String>> unlike = jdbc.sql("""
                select c.seq, r.hash from audit_checkpoint c left join audit_record r on r.seq = c.seq
                where c.hash <> ? and (r.hash is null or r.hash <> c.hash) order by c.seq limit 1""")
            .param(AuditHash.GENESIS)
            .query((rs, n) -> Map.entry(rs.getLong(1), Optional.ofNullable(rs.getString(2)))).optional().orElse(null);
        VerifiedSignatures known = verifiedSignatures;
        int from = known.covers(stored) ? known.count() : 0;
        for (int i = 0; i < stored.size(); i++) {
            Checkpoint c = stored.get(i);
            keys.add(c.keyId());
            if (i >= from && !signatureHolds(c)) {
                return new Result(checked, c.seq(), "checkpoint at record " + c.seq() + ": the signature does not verify",
                    keys);
            }
            if (coversNothing(c)) {
                continue;
            }
            if (unlike != null && unlike.getKey() == c.seq()) {
                return new Result(checked, c.seq(), "checkpoint at record " + c.seq() + ": the record "
                    + (unlike.getValue().isEmpty() ? "is gone" : "no longer has the signed hash: the chain was rewritten"), keys);
            }
            checked++;
        }
        verifiedSignatures = VerifiedSignatures.of(stored);
        signaturesVerified.add(stored.size() - from);
        return new Result(checked, null, null, keys);
    }

    /**
     * The checkpoints whose signatures this process verified, as their number and a digest of them in
     * order: a checkpoint's signature is verified once (Ed25519 in the JDK: 0.6 to 0.7 ms),
     * not at every pass after it, for as long as the checkpoints before it are unchanged in the store.
     * Any change to one of them (a field, a row deleted or added among them) changes the digest, and
     * every signature is verified again.
     */
    private record VerifiedSignatures(int count, byte[] digest) {
        static final VerifiedSignatures NONE = of(List.of());

        static VerifiedSignatures of(List<Checkpoint> checkpoints) {
            return new VerifiedSignatures(checkpoints.size(), digest(checkpoints, checkpoints.size()));
        }

        boolean covers(List<Checkpoint> stored) {
            return stored.size() >= count && MessageDigest.isEqual(digest, digest(stored, count));
        }

        private static byte[] digest(List<Checkpoint> checkpoints, int count) {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is always available", e);
            }
            for (int i = 0; i < count; i++) {
                Checkpoint c = checkpoints.get(i);
                sha.update((c.seq() + "\n" + c.hash() + "\n" + c.signedAt() + "\n" + c.keyId() + "\n" + c.publicKey() + "\n"
                    + c.signature() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return sha.digest();
        }
    }

    private volatile VerifiedSignatures verifiedSignatures = VerifiedSignatures.NONE;
    /** How many checkpoint signatures were verified so far: each once, unless one before it changed. */
    final java.util.concurrent.atomic.LongAdder signaturesVerified = new java.util.concurrent.atomic.LongAdder();

    /**
     * Whether the checkpoint's signature verifies with the public key it carries, and its key id is
     * that key's: what an offline verifier checks before comparing the signed hash with the chain.
     * (Who holds that key is the verifier's question: pin the key you expect.)
     */
    public static boolean signatureHolds(Checkpoint c) {
        return keyId(c.publicKey()).equals(c.keyId()) && valid(c);
    }

    /**
     * A checkpoint of a head before any chained record (earlier builds signed one on a store upgraded
     * with records from before the chain): it vouches for no record, so there is nothing to compare.
     */
    public static boolean coversNothing(Checkpoint c) {
        return AuditHash.GENESIS.equals(c.hash());
    }

    private String sign(long seq, String hash, Instant at) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(payload(seq, hash, at));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit checkpoint", e);
        }
    }

    private static boolean valid(Checkpoint c) {
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(c.publicKey())));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(payload(c.seq(), c.hash(), c.signedAt()));
            return s.verify(Base64.getDecoder().decode(c.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] payload(long seq, String hash, Instant at) {
        return ("roster-audit-checkpoint\n" + seq + "\n" + hash + "\n" + at).getBytes(StandardCharsets.UTF_8);
    }

    /** A public key's id: the first 16 hex digits of the SHA-256 of its Base64 form. */
    public static String keyId(String publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(publicKey.getBytes(StandardCharsets.US_ASCII)), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
