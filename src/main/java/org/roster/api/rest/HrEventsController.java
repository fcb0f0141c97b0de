package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.roster.hr.WebhookEvents;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/hr/events?source=NAME}: HR change events by webhook. Authenticated by the
 * source's HMAC signature, not by a bearer token (HR systems sign; they rarely hold API tokens).
 */
@RestController
@RequestMapping("/api/v1/hr/events")
class HrEventsController {

    private final WebhookEvents webhooks;

    HrEventsController(WebhookEvents webhooks) {
        this.webhooks = webhooks;
    }

    /** The outcome of a delivery: counts, and one line per event. */
    record Delivery(long accepted, long unchanged, long duplicates, long quarantined, List<WebhookEvents.Outcome> results) {
    }

    @PostMapping
    @Operation(summary = "Receive signed HR change events (X-Roster-Signature: sha256=HMAC(secret, timestamp.body))")
    ResponseEntity<Delivery> receive(@RequestParam String source,
                                     @RequestHeader(name = "X-Roster-Signature", required = false) @Nullable String signature,
                                     @RequestHeader(name = "X-Roster-Timestamp", required = false) @Nullable String timestamp,
                                     HttpServletRequest request) throws IOException {
        List<WebhookEvents.Outcome> results = webhooks.receive(source, request.getContentLengthLong(), limit -> {
            byte[] body = request.getInputStream().readNBytes(limit + 1);
            if (body.length > limit) {
                throw new WebhookEvents.HrTooLargeException("the delivery is larger than " + limit
                    + " bytes (roster.hr.max-webhook-size)", false);
            }
            return body;
        }, signature, timestamp);
        Delivery delivery = new Delivery(count(results, WebhookEvents.Outcome.Kind.ACCEPTED),
            count(results, WebhookEvents.Outcome.Kind.UNCHANGED), count(results, WebhookEvents.Outcome.Kind.DUPLICATE),
            count(results, WebhookEvents.Outcome.Kind.QUARANTINED), results);
        return ResponseEntity.status(delivery.quarantined() > 0 ? HttpStatus.MULTI_STATUS : HttpStatus.OK).body(delivery);
    }

    private static long count(List<WebhookEvents.Outcome> results, WebhookEvents.Outcome.Kind kind) {
        return results.stream().filter(r -> r.outcome() == kind).count();
    }
}
