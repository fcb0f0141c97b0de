package org.roster.provisioning.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.roster.plan.AccountSnapshot;
import org.roster.store.JsonColumns;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;

/** JDBC access to {@code target_account}: the acknowledged state of each account. */
@Repository
public class AccountRepository {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final TypeReference<Set<String>> STRING_SET = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate batch;
    private final org.roster.store.StoreKind store;

    public AccountRepository(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.store = new org.roster.store.StoreKind(batch);
    }

    public Optional<AccountSnapshot> find(String target, String identity) {
        return jdbc.sql("select * from target_account where target = ? and identity_key = ?")
            .params(target, identity).query(AccountRepository::map).optional();
    }

    public void delete(String target, String identity) {
        jdbc.sql("delete from target_account where target = ? and identity_key = ?").params(target, identity).update();
    }

    public long count(String target) {
        return jdbc.sql("select count(*) from target_account where target = ?").param(target).query(Long.class).single();
    }

    public List<AccountSnapshot> forIdentity(String identity) {
        return jdbc.sql("select * from target_account where identity_key = ? order by target")
            .param(identity).query(AccountRepository::map).list();
    }

    /**
     * The accounts of many identities at once (a thousand or so at most), by identity, each one's in
     * target order. On PostgreSQL one lookup of the identities' index per identity (the subquery's own
     * order keeps the planner from turning it into a join): given them as one list, or joined, the
     * planner read the whole table (20 to 110 ms a batch of 500 at 100 000 accounts).
     */
    public java.util.Map<String, List<AccountSnapshot>> forIdentities(java.util.Collection<String> identities) {
        java.util.Map<String, List<AccountSnapshot>> out = new java.util.HashMap<>();
        if (identities.isEmpty()) {
            return out;
        }
        var keys = new org.springframework.jdbc.support.SqlArrayValue("varchar", identities.toArray());
        (store.postgres()
            ? jdbc.sql("select a.* from unnest(?) as k (identity_key) cross join lateral (select * from target_account "
                + "where identity_key = k.identity_key order by target) a").param(keys)
            : jdbc.sql("select * from target_account where identity_key = any(?) order by identity_key, target").param(keys))
            .query(AccountRepository::map).list()
            .forEach(a -> out.computeIfAbsent(a.identity(), k -> new java.util.ArrayList<>()).add(a));
        return out;
    }

    /**
     * The accounts of these identities on one target, the identities bound as one array. On
     * PostgreSQL, point lookups by primary key: an IN list of hundreds of identities without the
     * target took 10 to 15 ms a batch at 300 000 accounts (docs/benchmarks.md). H2 reads the
     * target's whole key range for the same statement (2.5 s at 300 000), so there the identities'
     * index is read and the target filtered here.
     */
    public List<AccountSnapshot> onTarget(String target, java.util.Collection<String> identities) {
        if (identities.isEmpty()) {
            return List.of();
        }
        var keys = new org.springframework.jdbc.support.SqlArrayValue("varchar", identities.toArray());
        if (store.postgres()) {
            return jdbc.sql("select * from target_account where target = ? and identity_key = any(?)")
                .params(target, keys).query(AccountRepository::map).list();
        }
        return jdbc.sql("select * from target_account where identity_key = any(?)").param(keys)
            .query(AccountRepository::map).list().stream().filter(a -> a.target().equals(target)).toList();
    }

    /** Stores the accounts' state, replacing what was there (update first, insert what was not there). */
    public void saveAll(java.util.Collection<AccountSnapshot> accounts, Instant at) {
        saveAll(accounts, at, a -> true);
    }

    /**
     * Stores the accounts' state: an account that may be stored already is updated (and inserted if
     * it was not), one known to be new is inserted without trying an update first.
     */
    public void saveAll(java.util.Collection<AccountSnapshot> accounts, Instant at,
                        java.util.function.Predicate<AccountSnapshot> mayExist) {
        Timestamp when = Timestamp.from(at);
        List<AccountSnapshot> list = accounts.stream().filter(mayExist).toList();
        List<AccountSnapshot> fresh = accounts.stream().filter(mayExist.negate()).toList();
        boolean[] updated = org.roster.store.BulkUpdate.update(batch, "target_account",
            List.of("enabled", "attributes", "entitlements", "updated_at"), List.of("target", "identity_key"),
            list.stream().map(a -> new Object[] {a.enabled(), JsonColumns.write(a.attributes()),
                JsonColumns.write(a.entitlements()), when, a.target(), a.identity()}).toList());
        List<Object[]> inserts = new java.util.ArrayList<>();
        fresh.forEach(a -> inserts.add(insertRow(a, when)));
        for (int i = 0; i < list.size(); i++) {
            if (!updated[i]) {
                inserts.add(insertRow(list.get(i), when));
            }
        }
        org.roster.store.BulkInsert.insert(batch, "target_account",
            "target, identity_key, enabled, attributes, entitlements, updated_at", inserts);
    }

    private static Object[] insertRow(AccountSnapshot a, Timestamp when) {
        return new Object[] {a.target(), a.identity(), a.enabled(), JsonColumns.write(a.attributes()),
            JsonColumns.write(a.entitlements()), when};
    }

    private static AccountSnapshot map(ResultSet rs, int row) throws SQLException {
        return new AccountSnapshot(rs.getString("target"), rs.getString("identity_key"), rs.getBoolean("enabled"),
            JsonColumns.read(rs.getString("attributes"), STRING_MAP),
            new java.util.TreeSet<>(JsonColumns.read(rs.getString("entitlements"), STRING_SET)));
    }
}
