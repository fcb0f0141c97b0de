package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.hr.HrRecords;
import org.roster.hr.StoredWorker;
import org.roster.hr.Worker;
import org.roster.lifecycle.Identity;
import org.roster.lifecycle.Lifecycle;
import org.roster.lifecycle.LifecycleState;
import org.roster.lifecycle.Transition;
import org.roster.plan.AccountSnapshot;
import org.roster.plan.DesiredAccess;
import org.roster.policy.Grant;
import org.roster.provisioning.OutboxEntry;
import org.roster.provisioning.Provisioning;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/identities}: every identity's lifecycle state, access and history. */
@RestController
@RequestMapping("/api/v1/identities")
class IdentitiesController {

    private final Lifecycle lifecycle;
    private final HrRecords hr;
    private final org.roster.api.views.IdentityViews views;

    IdentitiesController(Lifecycle lifecycle, HrRecords hr, org.roster.api.views.IdentityViews views) {
        this.lifecycle = lifecycle;
        this.hr = hr;
        this.views = views;
    }

    /** One line of the identity list. */
    record Summary(String employeeNumber, String userName, @Nullable String displayName, LifecycleState state,
                   int epoch, Instant updated) {
    }

    @GetMapping
    @Operation(summary = "List identities, optionally only those in one lifecycle state, by employee number")
    Paged<Summary> list(@RequestParam(required = false) @Nullable LifecycleState state,
                        @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) @Nullable String cursor, @RequestParam(defaultValue = "50") int size) {
        // Read after the last page's employee number: a client walking a million identities reads each once.
        Paged<Identity> found = Paging.keyed(page, size, cursor,
            (after, offset, limit) -> lifecycle.list(state, after, offset, limit), Identity::employeeNumber,
            () -> lifecycle.count(state));
        return new Paged<>(summaries(found.items()), found.next(), found.total());
    }

    @GetMapping("/{employeeNumber}")
    @Operation(summary = "One identity: state, desired entitlements, accounts per target, history")
    org.roster.api.views.IdentityViews.Detail get(@PathVariable String employeeNumber) {
        try {
            return views.detail(employeeNumber);
        } catch (java.util.NoSuchElementException e) {
            throw new NotFound("identity", employeeNumber);
        }
    }

    @GetMapping("/{employeeNumber}/timeline")
    @Operation(summary = "The identity's history: each HR change, then per target what changed and when it was"
        + " planned, sent, acknowledged and verified")
    List<org.roster.api.views.IdentityViews.TimelineStep> timeline(@PathVariable String employeeNumber) {
        try {
            return views.timeline(employeeNumber);
        } catch (java.util.NoSuchElementException e) {
            throw new NotFound("identity", employeeNumber);
        }
    }

    /** The identities' lines, their HR records read in one query. */
    private List<Summary> summaries(List<Identity> identities) {
        java.util.Map<String, Worker> workers = new java.util.HashMap<>();
        hr.findByEmployeeNumbers(identities.stream().map(Identity::employeeNumber).toList())
            .forEach(w -> workers.put(w.worker().employeeNumber(), w.worker()));
        return identities.stream().map(i -> summary(i, workers.get(i.employeeNumber()))).toList();
    }

    private static Summary summary(Identity i, @Nullable Worker w) {
        return new Summary(i.employeeNumber(), w == null ? "" : w.userName(), w == null ? null : w.displayName(),
            i.state(), i.epoch(), i.updated());
    }

}
