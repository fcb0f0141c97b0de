package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.roster.subscribers.LifecycleEvents;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Lifecycle event subscribers (configured in {@code roster.events.subscribers}) and how their queues stand. */
@RestController
class SubscribersController {

    private final LifecycleEvents events;

    SubscribersController(LifecycleEvents events) {
        this.events = events;
    }

    @GetMapping("/api/v1/subscribers")
    @Operation(summary = "Each lifecycle event subscriber: the types it takes, events waiting and given up, the last delivery")
    List<LifecycleEvents.SubscriberStatus> subscribers() {
        return events.subscribers();
    }
}
