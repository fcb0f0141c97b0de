package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import java.util.List;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import org.roster.provisioning.ManualTask;
import org.roster.provisioning.Provisioning;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/tasks}: operations on systems Roster cannot reach (targets of type {@code manual}),
 * for their owners to do by hand and close with a note; closing acknowledges the operation.
 */
@RestController
class TasksController {

    private final Provisioning provisioning;

    TasksController(Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    /** What was done. */
    record Done(@Nullable String note) {
    }

    @GetMapping("/api/v1/tasks")
    @Operation(summary = "Manual tasks, soonest due first; status OPEN or DONE; overdue ones say so")
    Paged<ManualTask> list(@RequestParam(required = false) @Nullable String target,
                           @RequestParam(required = false) ManualTask.@Nullable Status status,
                           @RequestParam(defaultValue = "0") int page,
                           @RequestParam(required = false) @Nullable String cursor,
                           @RequestParam(defaultValue = "50") int size) {
        return Paging.keyed(page, size, cursor,
            (after, offset, limit) -> provisioning.tasks(target, status, Paging.position(after), offset, limit),
            t -> Paging.position(t.dueAt(), t.id()), null);
    }

    @GetMapping("/api/v1/tasks/{id}")
    ManualTask get(@PathVariable String id) {
        return provisioning.task(id).orElseThrow(() -> new NotFound("task", id));
    }

    @PostMapping("/api/v1/tasks/{id}/done")
    @Operation(summary = "Close a task with a note of what was done: its operation is acknowledged")
    ManualTask done(@PathVariable String id, @RequestBody(required = false) @Nullable Done body, Principal principal) {
        String note = body == null ? null : body.note();
        if (note == null || note.isBlank()) {
            throw new BadParameter("note", "say what was done");
        }
        try {
            return provisioning.completeTask(id, principal.getName(), note);
        } catch (NoSuchElementException e) {
            throw new NotFound("task", id);
        }
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail alreadyDone(IllegalStateException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }
}
