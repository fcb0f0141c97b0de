package org.roster.principals.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.principals.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** People who signed in, and the roles admins assigned. */
@Repository
public class PrincipalRepository {

    private final JdbcClient jdbc;

    public PrincipalRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A person as stored: their HR link, e-mail, the roles their IdP groups gave at the last sign-in. */
    public record Row(String name, @Nullable String identity, @Nullable String email, Set<Role> idpRoles,
                      Instant firstSeen, Instant lastSeen) {
    }

    public void signedIn(String name, @Nullable String identity, @Nullable String email, Set<Role> idpRoles, Instant at) {
        String roles = String.join(",", idpRoles.stream().map(Role::wire).sorted().toList());
        int updated = jdbc.sql("""
                update principal set identity_key = ?, email = ?, idp_roles = ?, last_seen_at = ? where name = ?""")
            .params(identity, email, roles, Timestamp.from(at), name).update();
        if (updated == 0) {
            jdbc.sql("""
                    insert into principal (name, identity_key, email, idp_roles, first_seen_at, last_seen_at)
                    values (?, ?, ?, ?, ?, ?)""")
                .params(name, identity, email, roles, Timestamp.from(at), Timestamp.from(at)).update();
        }
    }

    public Optional<Row> find(String name) {
        return jdbc.sql(SELECT + " where name = ?").param(name).query(PrincipalRepository::row).optional();
    }

    /** People linked to this HR identity (usually one). */
    public List<Row> withIdentity(String identity) {
        return jdbc.sql(SELECT + " where identity_key = ? order by name").param(identity)
            .query(PrincipalRepository::row).list();
    }

    /** By name; after the one named {@code after} when it is given. */
    public List<Row> all(@Nullable String after, int offset, int limit) {
        return jdbc.sql(SELECT + (after == null ? " where true" : " where name > :after")
                + " order by name limit :limit offset :offset")
            .param("after", after == null ? "" : after).param("limit", limit).param("offset", offset)
            .query(PrincipalRepository::row).list();
    }

    public Set<Role> assigned(String name) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        jdbc.sql("select role from role_assignment where principal_name = ?").param(name).query(String.class).list()
            .forEach(r -> Role.fromWire(r).ifPresent(roles::add));
        return roles;
    }

    /** Everyone with an assignment, with their assigned roles. */
    public java.util.Map<String, Set<Role>> assignments() {
        java.util.Map<String, Set<Role>> out = new java.util.TreeMap<>();
        jdbc.sql("select principal_name, role from role_assignment")
            .query((rs, n) -> java.util.Map.entry(rs.getString(1), rs.getString(2))).list()
            .forEach(e -> Role.fromWire(e.getValue()).ifPresent(r ->
                out.computeIfAbsent(e.getKey(), k -> EnumSet.noneOf(Role.class)).add(r)));
        return out;
    }

    public void assign(String name, Set<Role> roles, String by, Instant at) {
        jdbc.sql("delete from role_assignment where principal_name = ?").param(name).update();
        for (Role r : roles) {
            jdbc.sql("insert into role_assignment (principal_name, role, assigned_by, assigned_at) values (?, ?, ?, ?)")
                .params(name, r.wire(), by, Timestamp.from(at)).update();
        }
    }

    private static final String SELECT = "select name, identity_key, email, idp_roles, first_seen_at, last_seen_at from principal";

    private static Row row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        String csv = rs.getString(4);
        if (csv != null && !csv.isBlank()) {
            for (String r : csv.split(",")) {
                Role.fromWire(r).ifPresent(roles::add);
            }
        }
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), roles, rs.getTimestamp(5).toInstant(),
            rs.getTimestamp(6).toInstant());
    }
}
