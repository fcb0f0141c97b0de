package org.roster.principals;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.audit.AuditEntry;
import org.roster.audit.AuditLog;
import org.roster.hr.HrRecords;
import org.roster.hr.StoredWorker;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.principals.internal.PrincipalRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * People who act on Roster, tied to HR truth. A person is linked at sign-in to their HR record (by
 * the configured claim and field); from then on every request asks HR again, so a person whose
 * record says they have left (or are on leave, or not yet started) holds no right from that moment.
 * Their roles are those their IdP groups gave at sign-in and those an admin assigned in Roster.
 */
@Service
public class Principals {

    private static final Logger log = LoggerFactory.getLogger(Principals.class);

    private final PrincipalRepository repository;
    private final HrRecords hr;
    private final Lifecycle lifecycle;
    private final AuditLog audit;
    private final SignInSettings settings;
    private final Clock clock;

    private final ApiTokens tokens;

    public Principals(PrincipalRepository repository, HrRecords hr, Lifecycle lifecycle, AuditLog audit,
                      SignInSettings settings, Clock clock, ApiTokens tokens) {
        this.tokens = tokens;
        this.repository = repository;
        this.hr = hr;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.settings = settings;
        this.clock = clock;
    }

    /** Why a sign-in was refused; the message is safe to show the person. */
    public static final class SignInRefused extends RuntimeException {
        public SignInRefused(String message) {
            super(message);
        }
    }

    /**
     * A person signed in: links them to their HR record and stores what the IdP said.
     *
     * @param identityValue the value of the identity claim, if the token had it
     * @throws SignInRefused when HR says they do not work here now (or no record matches and one is required)
     */
    @Transactional
    public Principal signedIn(String name, @Nullable String email, @Nullable String identityValue, Set<Role> idpRoles) {
        Optional<StoredWorker> worker = identityValue == null || identityValue.isBlank() ? Optional.empty()
            : switch (settings.identityAttribute()) {
                case EMPLOYEE_NUMBER -> hr.findByEmployeeNumber(identityValue);
                case USER_NAME -> hr.findByUserName(identityValue);
                case EMAIL -> hr.findByEmail(identityValue);
            };
        if (worker.isEmpty() && settings.requireHrIdentity()) {
            log.warn("Sign-in of {} refused: no HR record has {} = the '{}' claim", name, settings.identityAttribute(),
                settings.identityClaim());
            throw new SignInRefused("no HR record matches you; ask your HR data steward");
        }
        String identity = worker.map(w -> w.worker().employeeNumber()).orElse(null);
        if (identity != null && !active(identity)) {
            log.warn("Sign-in of {} refused: HR identity {} is not active", name, identity);
            throw new SignInRefused("your HR record says you are not working now");
        }
        String mail = email != null ? email : worker.map(w -> w.worker().email()).orElse(null);
        repository.signedIn(name, identity, mail, idpRoles, clock.instant());
        log.info("{} signed in{} with roles {}", name, identity == null ? "" : " as HR identity " + identity,
            wire(roles(idpRoles, repository.assigned(name))));
        return new Principal(name, Principal.Kind.PERSON, roles(idpRoles, repository.assigned(name)), identity, mail);
    }

    /**
     * A signed-in person as they are now: their roles today, or empty when HR says they no longer
     * work here (or they were never seen). Asked on every request of a session.
     */
    public Optional<Principal> current(String name) {
        return repository.find(name).filter(r -> r.identity() == null || active(r.identity()))
            .map(r -> new Principal(r.name(), Principal.Kind.PERSON, roles(r.idpRoles(), repository.assigned(name)),
                r.identity(), r.email()));
    }

    /** Roles an admin assigned to a principal (a person, by their name in Roster). */
    public Set<Role> assigned(String name) {
        return repository.assigned(name);
    }

    /** A person as listed to admins. */
    public record Listed(String name, @Nullable String identity, @Nullable String email, Set<Role> fromIdp,
                         Set<Role> assigned, java.time.Instant firstSeen, java.time.Instant lastSeen, boolean active) {
    }

    public List<Listed> list(int offset, int limit) {
        return list(null, offset, limit);
    }

    /** By name, after the one named {@code after} (null: from {@code offset}). */
    public List<Listed> list(@Nullable String after, int offset, int limit) {
        return repository.all(after, offset, limit).stream().map(r -> new Listed(r.name(), r.identity(), r.email(),
            r.idpRoles(), repository.assigned(r.name()), r.firstSeen(), r.lastSeen(),
            r.identity() == null || active(r.identity()))).toList();
    }

    /**
     * Replaces the roles an admin assigned a principal. Nobody changes their own roles.
     *
     * @throws IllegalArgumentException when {@code by} is {@code name}
     */
    @Transactional
    public Set<Role> assign(String name, Set<Role> roles, String by) {
        if (name.equals(by)) {
            throw new IllegalArgumentException("nobody changes their own roles; another admin must");
        }
        Set<Role> before = repository.assigned(name);
        repository.assign(name, roles, by, clock.instant());
        audit.append(new AuditEntry(null, "ROLES_ASSIGNED", AuditEntry.Stage.DECISION, by, null,
            "roles assigned to " + name + ": " + wire(roles) + " (were " + wire(before) + ")", null));
        return Set.copyOf(roles);
    }

    /** Whether the HR identity works here now: active, not on leave, not before their start, not gone. */
    public boolean active(String identity) {
        return lifecycle.find(identity).map(i -> i.state() == LifecycleState.ACTIVE).orElse(false);
    }

    /**
     * The HR identity someone named in policy stands for: an employee number, userName or e-mail in
     * HR. Never a name an IdP gave a person (some IdPs let people choose theirs).
     */
    public Optional<String> identityOf(String who) {
        return hr.findByEmployeeNumber(who).or(() -> hr.findByUserName(who)).or(() -> hr.findByEmail(who))
            .map(w -> w.worker().employeeNumber());
    }

    /** Whether an API token has this name (a catalogue owner outside HR names a token). */
    public boolean tokenNamed(String name) {
        return tokens.find(name).isPresent();
    }

    /** The HR manager of an identity, if HR names one. */
    public Optional<String> managerOf(String identity) {
        return hr.findByEmployeeNumber(identity).map(w -> w.worker().managerEmployeeNumber());
    }

    /** The e-mail HR has for someone named by employee number, userName or e-mail. */
    public Optional<String> emailOf(String who) {
        return identityOf(who).flatMap(hr::findByEmployeeNumber).map(w -> w.worker().email())
            .filter(e -> !e.isBlank());
    }

    private static Set<Role> roles(Set<Role> a, Set<Role> b) {
        Set<Role> out = EnumSet.noneOf(Role.class);
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    private static List<String> wire(Set<Role> roles) {
        return roles.stream().map(Role::wire).sorted().toList();
    }
}
