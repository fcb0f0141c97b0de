package org.roster.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditRecord;
import org.roster.audit.ChainVerifier;
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
            ChainVerifier verifier = new ChainVerifier();
            if (file != null) {
                try (BufferedReader lines = Files.newBufferedReader(file)) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (!line.isBlank() && !verifier.accept(JSON.readValue(line, AuditRecord.class))) {
                            break;
                        }
                    }
                }
            } else {
                String secret = password != null ? password : ImportCommand.environment.apply("ROSTER_STORE_PASSWORD");
                try (Connection c = DriverManager.getConnection(store, user, secret == null ? "" : secret)) {
                    readStore(c, verifier);
                }
            }
            ChainVerifier.Result r = verifier.result();
            if (r.intact()) {
                out.printf("audit chain intact: %d record(s) checked, up to record %d (hash %s)%s%n", r.checked(),
                    r.lastSeq(), r.lastHash(), r.unchained() > 0 ? "; " + r.unchained() + " older record(s) before the"
                        + " chain began" : "");
                return 0;
            }
            out.printf("audit chain BROKEN at record %d: %s (%d record(s) intact before it)%n", r.brokenAt(), r.reason(),
                r.checked());
            return 1;
        }

        private static void readStore(Connection c, ChainVerifier verifier) throws SQLException {
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
            verifier.expectEnd(headSeq, headHash);
        }
    }
}
