package org.roster.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.roster.store.StoreUnreachable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request that fails because the store cannot be reached or cannot write is answered {@code 503} with {@code
 * Retry-After}, in the error format of its path (a SCIM error under {@code /scim}, problem details
 * elsewhere, a page in the console), instead of a bare 500: the HR system or client is told to send
 * it again, not that it was wrong. It runs ahead of authentication, whose token lookup needs the
 * store too. A request that failed so was not acknowledged; one whose commit was cut off may have
 * been applied, and sending it again is then answered as such (the same state, or 409 for a create).
 * One line is logged per outage, not one stack per request.
 */
final class StoreOutageAnswer extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(StoreOutageAnswer.class);
    private static final long LOG_EVERY_NANOS = 30_000_000_000L;

    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final AtomicLong answered = new AtomicLong();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | RuntimeException e) {
            Throwable unreachable = StoreUnreachable.in(e);
            if (unreachable == null || response.isCommitted()) {
                throw e;
            }
            answer(request, response, unreachable);
        }
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, Throwable unreachable) throws IOException {
        long count = answered.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            log.warn("{} ({}): answered 503 to {} {} ({} such answers so far)", StoreUnreachable.what(unreachable),
                StoreUnreachable.describe(unreachable), request.getMethod(), request.getRequestURI(), count);
        }
        response.resetBuffer();
        response.setHeader(HttpHeaders.RETRY_AFTER, StoreUnreachable.RETRY_AFTER_SECONDS);
        ErrorResponses.write(request, response, HttpStatus.SERVICE_UNAVAILABLE,
            StoreUnreachable.what(unreachable) + ": this request was not acknowledged; send it again after "
                + StoreUnreachable.RETRY_AFTER_SECONDS + " s");
    }
}
