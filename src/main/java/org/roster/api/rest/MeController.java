package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.lifecycle.Lifecycle;
import org.roster.principals.Principal;
import org.roster.principals.Role;
import org.roster.work.Task;
import org.roster.work.Work;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/me}: who the caller is to Roster, and the work waiting for them. */
@RestController
class MeController {

    private final Work work;
    private final Lifecycle lifecycle;

    MeController(Work work, Lifecycle lifecycle) {
        this.work = work;
        this.lifecycle = lifecycle;
    }

    /** The linked HR identity, as HR says it is now. */
    record Identity(String employeeNumber, String state) {
    }

    /**
     * The caller: name, kind ({@code PERSON} or {@code TOKEN}), roles, linked HR identity, and for a
     * signed-in person the CSRF token their state-changing requests must send (header {@code X-CSRF-TOKEN}).
     */
    record Me(String name, Principal.Kind kind, List<String> roles, @Nullable Identity identity,
              @Nullable String email, @Nullable String csrfToken) {
    }

    @GetMapping("/api/v1/me")
    @Operation(summary = "Who you are to Roster: principal, roles and linked HR identity")
    Me me(@RequestAttribute(name = "_csrf", required = false) @Nullable CsrfToken csrf) {
        Principal p = RosterAuthentication.current();
        Identity identity = p.identity() == null ? null : lifecycle.find(p.identity())
            .map(i -> new Identity(i.employeeNumber(), i.state().name())).orElse(null);
        return new Me(p.name(), p.kind(), p.roles().stream().map(Role::wire).sorted().toList(), identity, p.email(),
            p.kind() == Principal.Kind.PERSON && csrf != null ? csrf.getToken() : null);
    }

    @GetMapping("/api/v1/me/tasks")
    @Operation(summary = "Everything waiting for you, soonest due first: decisions, holds, quarantine, reviews, manual tasks")
    Paged<Task> tasks() {
        List<Task> tasks = work.tasksFor(RosterAuthentication.current());
        return new Paged<>(tasks, null, (long) tasks.size());
    }
}
