package org.roster.grants;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.policy.Policy;
import org.roster.policy.PolicyEngine;
import org.roster.principals.Principal;
import org.roster.principals.Principals;
import org.roster.principals.Role;
import org.springframework.stereotype.Component;

/**
 * Who decides access outside policy, from HR and the catalogue, asked at the moment of the decision:
 * <ul>
 * <li>the entitlement's owner (a principal's name, or an HR employee number, userName or e-mail);</li>
 * <li>while the owner does not work here (left, on leave): the catalogue's {@code fallback-owner},
 *     else the owner's manager in HR; so a leaver's open decisions move at the moment HR says so;</li>
 * <li>the manager of the person the access is for, where the catalogue says {@code decided-by: [owner, manager]};</li>
 * <li>operators, for an entitlement without an owner, or when nobody above works here.</li>
 * </ul>
 * Never the person the access is for, and never the requester of a request.
 */
@Component
public class Deciders {

    private final PolicyEngine policy;
    private final Principals principals;

    public Deciders(PolicyEngine policy, Principals principals) {
        this.policy = policy;
        this.principals = principals;
    }

    /**
     * Who may decide a grant now.
     *
     * @param names API token names (a catalogue owner that is no HR identity names a token)
     * @param identities HR identities (employee numbers) whose signed-in person may decide; a person
     *     is only ever matched by their HR identity, never by the name their IdP gives them (which
     *     some IdPs let people choose)
     * @param operators whether the operator role decides (nobody with a name works here)
     * @param why how it was worked out, for the refusal message and the task
     */
    public record Who(Set<String> names, Set<String> identities, boolean operators, String why) {

        /** Whether the principal is one of them (not counting the self and requester rules). */
        public boolean includes(Principal p) {
            return (p.kind() == Principal.Kind.TOKEN && names.stream().anyMatch(n -> n.equalsIgnoreCase(p.name())))
                || (p.kind() == Principal.Kind.PERSON && p.identity() != null && identities.contains(p.identity()))
                || (operators && p.has(Role.OPERATOR));
        }
    }

    public Who of(AccessGrant g) {
        Policy p = policy.current();
        String owner = Optional.ofNullable(p.owner(g.target(), g.entitlement())).orElse(g.owner());
        Set<String> names = new LinkedHashSet<>();
        Set<String> identities = new LinkedHashSet<>();
        StringBuilder why = new StringBuilder();
        boolean operators = false;
        if (owner == null) {
            operators = true;
            why.append("operators (the entitlement has no owner)");
        } else {
            Optional<String> ownerIdentity = principals.identityOf(owner);
            if (ownerIdentity.isEmpty() && principals.tokenNamed(owner)) {
                names.add(owner);
                why.append("the owner, ").append(owner);
            } else if (ownerIdentity.isEmpty()) {
                // a mailbox or team name that is neither a worker nor a token: nobody could decide
                operators = true;
                why.append("operators (the owner ").append(owner).append(" is neither a worker in HR nor an API token)");
            } else if (principals.active(ownerIdentity.get())) {
                identities.add(ownerIdentity.get());
                why.append("the owner, ").append(owner);
            } else {
                String fallback = p.fallbackOwner(g.target(), g.entitlement());
                Optional<String> fallbackIdentity = fallback == null ? Optional.empty() : principals.identityOf(fallback);
                Optional<String> manager = principals.managerOf(ownerIdentity.get()).filter(principals::active);
                if (fallback != null && (fallbackIdentity.isPresent() ? principals.active(fallbackIdentity.get())
                        : principals.tokenNamed(fallback))) {
                    if (fallbackIdentity.isEmpty()) {
                        names.add(fallback);
                    } else {
                        identities.add(fallbackIdentity.get());
                    }
                    why.append("the fallback owner, ").append(fallback).append(" (the owner ").append(owner)
                        .append(" does not work here now)");
                } else if (manager.isPresent()) {
                    identities.add(manager.get());
                    why.append("the owner's manager, ").append(manager.get()).append(" (the owner ").append(owner)
                        .append(" does not work here now)");
                } else {
                    operators = true;
                    why.append("operators (the owner ").append(owner).append(" does not work here now, and nobody"
                        + " stands in)");
                }
            }
        }
        if (p.managerDecides(g.target(), g.entitlement())) {
            principals.managerOf(g.identity()).filter(principals::active).ifPresent(m -> {
                identities.add(m);
                why.append(", or the manager of ").append(g.identity()).append(", ").append(m);
            });
        }
        return new Who(Set.copyOf(names), Set.copyOf(identities), operators, why.toString());
    }

    /**
     * Refuses a decision the principal may not make: on their own access, on their own request, or
     * when they are not among those who decide.
     *
     * @param field the field named in the refusal ({@code approver}, {@code reviewer})
     * @return who decides (the principal among them)
     */
    public Who check(AccessGrant g, Principal p, String field, boolean request) {
        if (p.identity() != null && p.identity().equals(g.identity())) {
            throw new GrantException(GrantException.Why.FORBIDDEN, field,
                "nobody decides on their own access: " + g.identity() + " is you");
        }
        if (request && g.requestedBy().equals(p.name())) {
            throw new GrantException(GrantException.Why.FORBIDDEN, field,
                "the requester (" + p.name() + ") cannot approve their own request; another person must");
        }
        Who who = of(g);
        if (!who.includes(p)) {
            throw new GrantException(GrantException.Why.FORBIDDEN, field, g.target() + ":" + g.entitlement()
                + " is decided by " + who.why() + ", not " + p.name());
        }
        return who;
    }

    /** Who decides, when the principal may decide the grant now; empty when they may not. */
    public Optional<Who> asDecider(AccessGrant g, Principal p) {
        try {
            return Optional.of(check(g, p, "decider", g.status() == AccessGrant.Status.REQUESTED));
        } catch (GrantException e) {
            return Optional.empty();
        }
    }

    /** Whether the principal may decide the grant now. */
    public boolean may(AccessGrant g, Principal p) {
        return asDecider(g, p).isPresent();
    }
}
