package org.roster.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.roster.api.security.RosterAuthentication;
import org.roster.signals.SharedSignals;
import org.roster.signals.Stream;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The OpenID Shared Signals Framework 1.0 transmitter's endpoints: metadata and keys (public), stream
 * management, status, subjects and verification (receivers, each for its own streams), poll
 * delivery (RFC 8936), and key rotation (admins).
 */
@RestController
class SignalsController {

    private final SharedSignals signals;

    SignalsController(SharedSignals signals) {
        this.signals = signals;
    }

    private static String base() {
        return ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    }

    @GetMapping("/.well-known/ssf-configuration")
    @Operation(summary = "The Shared Signals transmitter's metadata (public)")
    Map<String, Object> configuration() {
        return signals.configuration(base());
    }

    @GetMapping(value = "/ssf/jwks", produces = "application/json")
    @Operation(summary = "The keys Security Event Tokens are signed with (public)")
    Map<String, Object> jwks() {
        return signals.jwks();
    }

    @PostMapping("/api/v1/ssf/keys/rotate")
    @Operation(summary = "A new signing key; the previous one stays published for roster.ssf.key-overlap")
    Map<String, String> rotate() {
        return Map.of("kid", signals.rotateKey(RosterAuthentication.current()));
    }

    /** A stream's configuration, as SSF writes it. */
    record Delivery(@Nullable String method, @Nullable String endpoint_url, @Nullable String authorization_header) {
    }

    record StreamConfig(@Nullable String stream_id, @Nullable Delivery delivery, @Nullable List<String> events_requested,
                        @Nullable String format, @Nullable String description) {

        SharedSignals.Config config() {
            return new SharedSignals.Config(delivery == null ? null : delivery.method(),
                delivery == null ? null : delivery.endpoint_url(), delivery == null ? null : delivery.authorization_header(),
                events_requested, format, description);
        }
    }

    private static Map<String, Object> view(Stream s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream_id", s.id());
        m.put("iss", s.issuer());
        m.put("aud", s.audience());
        Map<String, Object> delivery = new LinkedHashMap<>();
        delivery.put("method", s.method());
        if (s.endpointUrl() != null) {
            delivery.put("endpoint_url", s.endpointUrl()); // the authorization header is never shown back
        }
        m.put("delivery", delivery);
        m.put("events_supported", SharedSignals.SUPPORTED);
        m.put("events_requested", s.events());
        m.put("events_delivered", s.events());
        m.put("format", s.format());
        m.put("min_verification_interval", 0);
        if (s.description() != null) {
            m.put("description", s.description());
        }
        return m;
    }

    @PostMapping("/ssf/streams")
    @Operation(summary = "Make a stream (receivers): delivery (push to endpoint_url, or poll), events_requested, format")
    ResponseEntity<Map<String, Object>> create(@RequestBody StreamConfig body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(view(signals.create(body.config(),
            RosterAuthentication.current(), base())));
    }

    @GetMapping("/ssf/streams")
    Object read(@RequestParam(required = false) @Nullable String stream_id) {
        if (stream_id != null) {
            return view(signals.stream(stream_id, RosterAuthentication.current()));
        }
        return signals.streams(RosterAuthentication.current()).stream().map(SignalsController::view).toList();
    }

    @PatchMapping("/ssf/streams")
    Map<String, Object> update(@RequestBody StreamConfig body) {
        return view(signals.update(body.stream_id(), body.config(), false, RosterAuthentication.current()));
    }

    @PutMapping("/ssf/streams")
    Map<String, Object> replace(@RequestBody StreamConfig body) {
        return view(signals.update(body.stream_id(), body.config(), true, RosterAuthentication.current()));
    }

    @DeleteMapping("/ssf/streams")
    ResponseEntity<Void> delete(@RequestParam @Nullable String stream_id) {
        signals.delete(stream_id, RosterAuthentication.current());
        return ResponseEntity.noContent().build();
    }

    record Status(@Nullable String stream_id, @Nullable String status, @Nullable String reason) {
    }

    @GetMapping("/ssf/status")
    Map<String, Object> status(@RequestParam @Nullable String stream_id) {
        Stream s = signals.stream(stream_id, RosterAuthentication.current());
        return Map.of("stream_id", s.id(), "status", s.status());
    }

    @PostMapping("/ssf/status")
    Map<String, Object> setStatus(@RequestBody Status body) {
        Stream s = signals.status(body.stream_id(), body.status(), body.reason(), RosterAuthentication.current());
        return Map.of("stream_id", s.id(), "status", s.status());
    }

    record Subject(@Nullable String stream_id, @Nullable Map<String, Object> subject, @Nullable Boolean verified) {
    }

    @PostMapping("/ssf/subjects:add")
    ResponseEntity<Void> add(@RequestBody Subject body) {
        signals.subject(body.stream_id(), body.subject(), true, RosterAuthentication.current());
        return ResponseEntity.ok().build();
    }

    @PostMapping("/ssf/subjects:remove")
    ResponseEntity<Void> remove(@RequestBody Subject body) {
        signals.subject(body.stream_id(), body.subject(), false, RosterAuthentication.current());
        return ResponseEntity.noContent().build();
    }

    record Verify(@Nullable String stream_id, @Nullable String state) {
    }

    @PostMapping("/ssf/verify")
    ResponseEntity<Void> verify(@RequestBody Verify body) {
        signals.verify(body.stream_id(), body.state(), RosterAuthentication.current(), base());
        return ResponseEntity.noContent().build();
    }

    record PollRequest(@Nullable List<String> ack, @Nullable Integer maxEvents, @Nullable Boolean returnImmediately) {
    }

    @PostMapping("/ssf/poll/{id}")
    @Operation(summary = "RFC 8936 poll: acknowledge jtis, get waiting Security Event Tokens")
    Map<String, Object> poll(@PathVariable String id, @RequestBody(required = false) @Nullable PollRequest body)
        throws InterruptedException {
        SharedSignals.Poll p = signals.poll(id, body == null ? null : body.ack(), body == null ? null : body.maxEvents(),
            body != null && Boolean.TRUE.equals(body.returnImmediately()), RosterAuthentication.current());
        return Map.of("sets", p.sets(), "moreAvailable", p.moreAvailable());
    }
}
