package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.roster.principals.Principals;
import org.roster.principals.Role;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/principals}: the people who signed in, with the roles their IdP groups and an
 * admin gave them, and the admin's role assignments (for a person before their first sign-in too).
 */
@RestController
class PrincipalsController {

    private final Principals principals;

    PrincipalsController(Principals principals) {
        this.principals = principals;
    }

    @GetMapping("/api/v1/principals")
    @Operation(summary = "People who signed in: HR identity, roles from the IdP and from admins, whether HR says they work here")
    Paged<Principals.Listed> list(@RequestParam(defaultValue = "0") int page,
                                  @RequestParam(required = false) @Nullable String cursor,
                                  @RequestParam(defaultValue = "50") int size) {
        return Paging.keyed(page, size, cursor, principals::list, Principals.Listed::name, null);
    }

    /** The roles an admin gives; replaces the previous assignment (an empty list removes them). */
    record Roles(@Nullable List<String> roles) {
    }

    record Assigned(String name, List<String> roles) {
    }

    @PutMapping("/api/v1/principals/{name}/roles")
    @Operation(summary = "Assign roles to a person (by their name in Roster); audited; nobody changes their own")
    Assigned assign(@PathVariable String name, @RequestBody Roles body, Principal admin) {
        if (!name.matches("[\\p{L}\\p{N}._@+-]{1,200}")) {
            throw new BadParameter("name", "must be 1 to 200 letters, digits, '.', '_', '@', '+' or '-'");
        }
        if (body.roles() == null) {
            throw new BadParameter("roles", "give the roles (hr-source, steward, operator, auditor, admin, pep, receiver), [] for none");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String r : body.roles()) {
            roles.add(Role.fromWire(r).orElseThrow(() -> new BadParameter("roles",
                "'" + r + "' is not one of hr-source, steward, operator, auditor, admin, pep, receiver")));
        }
        try {
            principals.assign(name, roles, admin.getName());
        } catch (IllegalArgumentException e) {
            throw new Refused(HttpStatus.FORBIDDEN, e.getMessage());
        }
        return new Assigned(name, roles.stream().map(Role::wire).sorted().toList());
    }
}
