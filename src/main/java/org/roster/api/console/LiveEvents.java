package org.roster.api.console;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.roster.audit.AuditLog;
import org.roster.runtime.WorkerLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /live}: Server-Sent Events telling open console pages that something changed (anything
 * Roster does is audited, so a new audit record is the signal), at most every two seconds; the page
 * then fetches its live parts again. Connections are bounded and end after 30 minutes (the browser
 * reconnects).
 */
@Controller
class LiveEvents extends WorkerLoop {

    private static final Logger log = LoggerFactory.getLogger(LiveEvents.class);
    static final int MAX_CONNECTIONS = 200;
    private static final long TIMEOUT_MS = 30 * 60 * 1000L;

    private final AuditLog audit;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private long seen = -1;

    LiveEvents(AuditLog audit) {
        super("roster-console-live");
        this.audit = audit;
    }

    /** Every instance tells its own console sessions. */
    @Override
    protected boolean singleton() {
        return false;
    }

    @GetMapping(path = "/live", produces = "text/event-stream")
    SseEmitter live(@org.springframework.web.bind.annotation.RequestHeader(value = "Accept", required = false)
                    @org.jspecify.annotations.Nullable String accept) {
        if (accept == null || !accept.contains("text/event-stream")) {
            // an event stream only for those that ask for one (a browser's EventSource does)
            throw new ResponseStatusException(HttpStatus.NOT_ACCEPTABLE, "ask with Accept: text/event-stream");
        }
        if (open.size() >= MAX_CONNECTIONS) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "too many live pages open");
        }
        SseEmitter emitter = new SseEmitter(TIMEOUT_MS);
        open.add(emitter);
        emitter.onCompletion(() -> open.remove(emitter));
        emitter.onTimeout(() -> open.remove(emitter));
        emitter.onError(e -> open.remove(emitter));
        return emitter;
    }

    /** Ends every live page's stream first, so that a graceful shutdown does not wait for them. */
    @Override
    public void stop() {
        open.forEach(SseEmitter::complete);
        open.clear();
        super.stop();
    }

    @Override
    protected long pass() {
        if (open.isEmpty()) {
            return 2_000;
        }
        long now = audit.lastSeq();
        if (seen >= 0 && now != seen) {
            for (SseEmitter emitter : open) {
                try {
                    emitter.send(SseEmitter.event().name("changed").data(Long.toString(now)));
                } catch (IOException | IllegalStateException e) {
                    open.remove(emitter);
                    log.debug("a live page went away: {}", e.getMessage());
                }
            }
        }
        seen = now;
        return 2_000;
    }
}
