package org.roster.api.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed bearer authentications per client address, so that tokens cannot be guessed at the
 * speed of the network: past {@code limit} failures within a minute, the address is refused (429)
 * before its token is even looked at, until the minute is over. Each address's first failure in a
 * window, and the moment it is throttled, are logged (never the token). At most
 * {@value #MAX_ADDRESSES} addresses are tracked, the least recently seen dropped first, so a flood
 * from many addresses cannot exhaust memory.
 */
final class AuthenticationFailures {

    static final int MAX_ADDRESSES = 10_000;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(AuthenticationFailures.class);

    private final int limit;
    private final Clock clock;
    private final Map<String, Window> byAddress = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    private static final class Window {
        Instant start;
        int failures;

        Window(Instant start) {
            this.start = start;
        }
    }

    AuthenticationFailures(int limit, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("roster.api.max-auth-failures-per-minute must be at least 1");
        }
        this.limit = limit;
        this.clock = clock;
    }

    /** How long this address must wait before it may try again; zero when it may try now. */
    synchronized Duration retryAfter(String address) {
        Window w = byAddress.get(address);
        if (w == null || w.failures < limit) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), w.start.plus(WINDOW));
        if (left.isNegative() || left.isZero()) {
            byAddress.remove(address);
            return Duration.ZERO;
        }
        return left;
    }

    /** Records a failed authentication from this address. */
    synchronized void failed(String address, String reason) {
        Instant now = clock.instant();
        Window w = byAddress.get(address);
        if (w == null || !now.isBefore(w.start.plus(WINDOW))) {
            w = new Window(now);
            byAddress.put(address, w);
        }
        w.failures++;
        if (w.failures == 1) {
            log.warn("authentication failed from {}: {}", address, reason);
        } else if (w.failures == limit) {
            log.warn("authentication failed {} times within a minute from {}: its requests are refused until {}",
                limit, address, w.start.plus(WINDOW));
        }
    }
}
