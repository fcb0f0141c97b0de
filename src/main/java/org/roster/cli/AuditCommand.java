package org.roster.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditRecord;
import org.roster.audit.ChainVerifier;
import org.roster.audit.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code roster audit verify}: checks the audit log's hash chain offline, from an export or the store itself. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "The audit log.",
    subcommands = {AuditCommand.Verify.class})
final class AuditCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check the hash chain: from an export (GET /api/v1/audit/export, JSON Lines) or straight from"
            + " the store's database, with no Roster running. Names the first edited, inserted or deleted record.")
    static final class Verify implements Callable<Integer> {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        @Option(names = "--file", description = "an export in JSON Lines")
        @Nullable Path file;

        @Option(names = "--store", description = "the store's JDBC URL (as roster.store.url)")
        @Nullable String store;

        @Option(names = "--checkpoints", description = "signed checkpoints kept outside the store: the checkpoint file"
            + " (roster.audit.checkpoint-file) or GET /api/v1/audit/checkpoints saved to a file. With --file, what the"
            + " export is checked against; with --store, each must also still be in the store")
        @Nullable Path checkpointFile;

        @Option(names = "--key", description = "the checkpoint public key (Base64) or its key id you trust: every"
            + " checkpoint must be signed by it (without it, a checkpoint re-signed with another key would pass)")
        @Nullable String key;

        @Option(names = "--user", description = "the store's user (default sa)")
        String user = "sa";

        @Option(names = "--password", description = "the store's password (default: $ROSTER_STORE_PASSWORD, or none)")
        @Nullable String password;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if ((file == null) == (store == null)) {
                err.println("roster audit verify: give --file EXPORT or --store JDBC_URL");
                return 2;
            }
            Signed signed = new Signed();
            List<Checkpoints.Checkpoint> kept = checkpointFile == null ? List.of()
                : Checkpoints.read(checkpointFile);
            if (file != null) {
                signed.expect(kept);
                try (BufferedReader lines = Files.newBufferedReader(file)) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (!line.isBlank() && !signed.accept(JSON.readValue(line, AuditRecord.class))) {
                            break;
                        }
                    }
                }
            } else {
                String secret = password != null ? password : ImportCommand.environment.apply("ROSTER_STORE_PASSWORD");
                Connection c;
                try {
                    c = org.roster.store.StoreDurability.connect(store, user, secret == null ? "" : secret);
                } catch (SQLException e) {
                    err.println("roster audit verify: cannot read the store (" + e.getMessage().lines().findFirst().orElse("")
                        + "). An H2 file store is locked while Roster runs: stop it, or verify through"
                        + " GET /api/v1/audit/verify");
                    return 3;
                }
                try (c) {
                    List<Checkpoints.Checkpoint> stored = readCheckpoints(c);
                    String missing = missing(c, stored, kept);
                    if (missing != null) {
                        out.println("signed checkpoints FAIL: " + missing);
                        return 1;
                    }
                    signed.expect(stored);
                    readStore(c, signed);
                }
            }
            ChainVerifier.Result r = signed.chain.result();
            if (!r.intact()) {
                out.printf("audit chain BROKEN at record %d: %s (%d record(s) intact before it)%n", r.brokenAt(),
                    r.reason(), r.checked());
                return 1;
            }
            out.printf("audit chain intact: %d record(s) checked, up to record %d (hash %s)%s%n", r.checked(),
                r.lastSeq(), r.lastHash(), r.unchained() > 0 ? "; " + r.unchained() + " older record(s) before the"
                    + " chain began" : "");
            String problem = signed.check(key, r.lastSeq());
            if (problem != null) {
                out.println("signed checkpoints FAIL: " + problem);
                return 1;
            }
            if (signed.verified > 0) {
                out.printf("signed checkpoints verified: %d, signed by key(s) %s%n", signed.verified, signed.keys);
            } else {
                out.println("no signed checkpoint to check: a chain rewritten with every hash recomputed would pass;"
                    + " keep checkpoints and pin their key with --key");
            }
            return 0;
        }

        /** The chain, and the hashes of the records the checkpoints signed, as the records go by. */
        private static final class Signed {
            final ChainVerifier chain = new ChainVerifier();
            final java.util.Map<Long, Checkpoints.Checkpoint> wanted = new java.util.TreeMap<>();
            final java.util.Map<Long, String> seen = new java.util.HashMap<>();
            final java.util.Set<String> keys = new java.util.TreeSet<>();
            long verified;

            void expect(List<Checkpoints.Checkpoint> checkpoints) {
                checkpoints.forEach(c -> wanted.put(c.seq(), c));
            }

            boolean accept(AuditRecord r) {
                if (wanted.containsKey(r.seq())) {
                    seen.put(r.seq(), r.hash());
                }
                return chain.accept(r);
            }

            /** The first checkpoint that fails, said plainly; null when all within the chain hold. */
            @Nullable String check(@Nullable String pinned, long lastSeq) {
                for (Checkpoints.Checkpoint c : wanted.values()) {
                    if (pinned != null && !pinned.equals(c.keyId()) && !pinned.equals(c.publicKey())) {
                        return "checkpoint at record " + c.seq() + " is signed by key " + c.keyId() + ", not the key given";
                    }
                    if (!Checkpoints.signatureHolds(c)) {
                        return "checkpoint at record " + c.seq() + ": the signature does not verify";
                    }
                    if (c.seq() > lastSeq || Checkpoints.coversNothing(c)) {
                        continue; // signed after the export was taken, or before any record was chained
                    }
                    String hash = seen.get(c.seq());
                    if (hash == null || !hash.equals(c.hash())) {
                        return "checkpoint at record " + c.seq() + ": the record " + (hash == null ? "is gone"
                            : "no longer has the signed hash: the chain was rewritten");
                    }
                    keys.add(c.keyId());
                    verified++;
                }
                return pinned != null && verified == 0 ? "no checkpoint signed by the key given covers these records" : null;
            }
        }

        /**
         * Checkpoints deleted from the store: fewer than the store counted when it signed them, or
         * one kept outside the store (the checkpoint file) that the store no longer has.
         */
        private static @Nullable String missing(Connection c, List<Checkpoints.Checkpoint> stored,
                                                List<Checkpoints.Checkpoint> kept) throws SQLException {
            long lastStored = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).seq();
            try (PreparedStatement s = c.prepareStatement(
                    "select checkpoint_seq, checkpoint_count from audit_chain where id = 1");
                 ResultSet rs = s.executeQuery()) {
                if (rs.next() && (stored.size() < rs.getLong(2) || lastStored < rs.getLong(1))) {
                    return "checkpoints were deleted: the store signed " + rs.getLong(2) + " up to record "
                        + rs.getLong(1) + ", and " + stored.size() + " remain";
                }
            }
            java.util.Map<Long, String> signatures = new java.util.HashMap<>();
            stored.forEach(cp -> signatures.put(cp.seq(), cp.signature()));
            for (Checkpoints.Checkpoint cp : kept) {
                if (!cp.signature().equals(signatures.get(cp.seq()))) {
                    return "checkpoint at record " + cp.seq() + " is in the checkpoints given but "
                        + (signatures.containsKey(cp.seq()) ? "differs in the store" : "no longer in the store: checkpoints"
                        + " were deleted");
                }
            }
            return null;
        }

        private static List<Checkpoints.Checkpoint> readCheckpoints(Connection c) throws SQLException {
            List<Checkpoints.Checkpoint> out = new java.util.ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "select seq, hash, signed_at, key_id, public_key, signature from audit_checkpoint order by seq");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Checkpoints.Checkpoint(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getString(4), rs.getString(5), rs.getString(6)));
                }
            }
            return out;
        }

        private static void readStore(Connection c, Signed verifier) throws SQLException {
            long headSeq;
            String headHash;
            try (PreparedStatement s = c.prepareStatement("select last_seq, last_hash from audit_chain where id = 1");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                headSeq = rs.getLong(1);
                headHash = rs.getString(2);
            }
            long after = 0;
            while (true) {
                int n = 0;
                try (PreparedStatement s = c.prepareStatement("""
                        select seq, recorded_at, identity_key, kind, stage, actor, target, detail, correlation_id,
                               prev_hash, hash
                        from audit_record where seq > ? and seq <= ? order by seq limit 5000""")) {
                    s.setLong(1, after);
                    s.setLong(2, headSeq);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            n++;
                            after = rs.getLong(1);
                            AuditRecord r = new AuditRecord(after, rs.getTimestamp(2).toInstant(), new AuditEntry(
                                rs.getString(3), rs.getString(4), AuditEntry.Stage.valueOf(rs.getString(5)),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)),
                                rs.getString(10), rs.getString(11));
                            if (!verifier.accept(r)) {
                                return;
                            }
                        }
                    }
                }
                if (n < 5000) {
                    break;
                }
            }
            verifier.chain.expectEnd(headSeq, headHash);
            // the last record before the head: one committed since lies under it
            long lastRecord = single(c, "select coalesce(max(seq), 0) from audit_record");
            verifier.chain.expectNoneAfterHead(lastRecord, single(c, "select last_seq from audit_chain where id = 1"));
        }

        private static long single(Connection c, String sql) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
