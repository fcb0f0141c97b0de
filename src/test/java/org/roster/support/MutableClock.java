package org.roster.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand, to make effective dates arrive. */
public final class MutableClock extends Clock {

    private volatile Instant now;
    private final boolean ticking;
    private final long origin = System.nanoTime();

    public MutableClock(Instant start) {
        this(start, false);
    }

    private MutableClock(Instant start, boolean ticking) {
        this.now = start;
        this.ticking = ticking;
    }

    /** A clock that runs like a real one from {@code start}, and jumps when the test moves it. */
    public static MutableClock ticking(Instant start) {
        return new MutableClock(start, true);
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    public void set(Instant instant) {
        now = instant;
    }

    /**
     * A {@code MutableClock} as the application's clock, from 2026-11-23T10:00:00Z, for a test
     * that imports this configuration and autowires the clock to move it.
     */
    @org.springframework.boot.test.context.TestConfiguration
    public static class AsTheClock {
        @org.springframework.context.annotation.Bean
        @org.springframework.context.annotation.Primary
        MutableClock mutableClock() {
            return new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        }
    }

    @Override
    public Instant instant() {
        return ticking ? now.plusNanos(System.nanoTime() - origin) : now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
