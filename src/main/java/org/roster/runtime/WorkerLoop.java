package org.roster.runtime;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background thread that does a pass of work, then sleeps until {@link #wake()} or until the time
 * its pass says the next work falls due: new work is picked up at once, never on a polling tick. A
 * pass that fails (the store restarting) is retried a second later; nothing is lost, since the work
 * itself is in the store.
 */
public abstract class WorkerLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

    private final String name;
    /** Says once per outage that the store cannot be reached, and once that it is back. */
    private final org.roster.store.StoreOutageLog outage;
    private @Nullable Leases leases;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean running;
    private volatile @Nullable Thread worker;
    private @Nullable LoopWatch watch;
    /** When the pass under way began ({@link System#nanoTime()}, never 0), or 0 between passes. */
    private volatile long passSince;

    protected WorkerLoop(String name) {
        this.name = name;
        this.outage = new org.roster.store.StoreOutageLog(log, name, "retrying every second",
            name + ": the store is reachable again");
    }

    /**
     * Does what is due now.
     *
     * @return how long to sleep, in milliseconds, if nothing wakes the loop earlier; 0 to go on at once
     */
    protected abstract long pass() throws InterruptedException;

    /**
     * In cluster mode the loop works only on the instance holding the lease named after it; set by
     * Spring for loops that are beans, by their owner for the others.
     */
    @org.springframework.beans.factory.annotation.Autowired(required = false)
    public void setLeases(Leases leases) {
        this.leases = leases;
    }

    /** Watches this loop's passes; set by Spring for loops that are beans, by their owner for the others. */
    @org.springframework.beans.factory.annotation.Autowired(required = false)
    public void setWatch(LoopWatch watch) {
        this.watch = watch;
    }

    /** The loop's name, which is its thread's. */
    public String name() {
        return name;
    }

    /** When the pass under way began, in {@link System#nanoTime()}; 0 between passes. */
    long passSince() {
        return passSince;
    }

    /** Where the loop's thread is now: empty when it is not running. */
    StackTraceElement[] stack() {
        Thread t = worker;
        return t == null ? new StackTraceElement[0] : t.getStackTrace();
    }

    /** Whether one instance of the cluster runs this loop (true), or every instance its own (false). */
    protected boolean singleton() {
        return true;
    }

    /**
     * Whether the loop keeps a time of its own: its pass says when it next has work, and no work
     * arriving wakes it. In cluster mode such a loop sleeps what its pass says; the others look again
     * every {@link Leases#POLL_MILLIS} at least, for a wake-up from another instance they may have
     * missed (a loop that keeps its own time and did so ran its pass every 2 s, whatever its interval).
     */
    protected boolean keepsOwnTime() {
        return false;
    }

    /**
     * Work arrived, or may now be due earlier than the loop is waiting for. In cluster mode, when
     * another instance holds the loop's lease, that instance is told too.
     */
    public void wake() {
        wakeHere();
        Leases l = leased();
        if (l != null) {
            l.announce(name);
        }
    }

    /** The leases this loop works under: null when every instance runs its own (or there are none). */
    private @Nullable Leases leased() {
        Leases l = leases;
        return l != null && singleton() ? l : null;
    }

    private void wakeHere() {
        if (signal.availablePermits() == 0) {
            signal.release();
        }
    }

    /** Clears pending wake-ups; the pass that follows sees everything they announced. */
    protected void clearWakeUps() {
        signal.drainPermits();
    }

    /**
     * Cluster mode: this instance no longer holds the loop's lease (given up to share the leases out,
     * or run out), having held it; another instance runs the loop from now on. Called on the loop's thread.
     */
    protected void handedOver() {
    }

    protected boolean stopping() {
        return !running;
    }

    @Override
    public void start() {
        Leases l = leased();
        if (l != null) {
            l.register(name, this::wakeHere);
        }
        running = true;
        Thread t = new Thread(this::loop, name);
        t.setDaemon(true);
        worker = t;
        t.start();
        LoopWatch w = watch;
        if (w != null) {
            w.add(this);
        }
    }

    @Override
    public void stop() {
        running = false;
        LoopWatch w = watch;
        if (w != null) {
            w.remove(this);
        }
        Thread t = worker;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Leases l = leased();
        if (l != null) {
            try {
                l.releaseAtStop(name);
            } catch (RuntimeException e) {
                log.warn("{}: lease not released ({}); another instance takes it when it runs out", name, e.getMessage());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Sleeps until woken or {@code millis} have passed; with a lease, also stops when the lease is no
     * longer this instance's to keep (lost, or to give up to share the loops out), looking every
     * {@link Leases#POLL_MILLIS}, so that a long sleep does not hold a lease another instance should have.
     */
    private void sleep(long millis, @Nullable Leases lease) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (running) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0 || signal.tryAcquire(lease == null ? left : Math.min(left, Leases.POLL_MILLIS), TimeUnit.MILLISECONDS)
                || lease == null || !lease.keeps(name)) {
                return;
            }
        }
    }

    private void loop() {
        boolean held = false;
        while (running) {
            try {
                Leases l = leased();
                if (l != null && !l.holds(name)) {
                    if (held) {
                        held = false;
                        handedOver();
                    }
                    signal.tryAcquire(l.askAgainIn(name), TimeUnit.MILLISECONDS); // another instance runs it
                    continue;
                }
                held = true;
                long wait;
                long began = System.nanoTime();
                passSince = began == 0 ? 1 : began;
                try {
                    wait = pass();
                } finally {
                    passSince = 0;
                }
                outage.reached();
                Leases any = leases;
                boolean cluster = any != null && any.enabled();
                if (cluster && !keepsOwnTime()) {
                    // a wake-up from another instance can be missed (its listener reconnecting): look again
                    wait = Math.min(wait, Leases.POLL_MILLIS);
                }
                if (wait > 0) {
                    sleep(wait, cluster ? l : null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!outage.unreachable(e)) {
                    log.error("{}: pass failed; retrying in 1s", name, e);
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
