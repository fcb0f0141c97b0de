package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import org.jspecify.annotations.Nullable;
import org.roster.notify.Notifications;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/notifications}: what Roster told whom, when, and whether it got through. */
@RestController
class NotificationsController {

    private final Notifications notifications;

    NotificationsController(Notifications notifications) {
        this.notifications = notifications;
    }

    @GetMapping("/api/v1/notifications")
    @Operation(summary = "Notifications, newest first: event, channel, recipient, subject, delivery status and attempts")
    Paged<Notifications.Listed> list(@RequestParam(defaultValue = "0") int page,
                                     @RequestParam(required = false) @Nullable String cursor,
                                     @RequestParam(defaultValue = "50") int size) {
        return Paging.keyed(page, size, cursor, (after, offset, limit) -> notifications.recent(Paging.position(after), offset, limit),
            n -> Paging.position(n.createdAt(), n.id()), null);
    }
}
