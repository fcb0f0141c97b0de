package org.roster.runtime;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.roster.store.StoreUnreachable;
import org.slf4j.Logger;

/**
 * What a loop over work falling due (effective dates, expiring grants, account deletions) could not
 * do, and when to try each again: after 1 s, then 2, 4 and so on up to a minute. A pass of the loop
 * ({@link #walk}) goes over everything due once, in the store's order and a page after the last; an
 * item still waiting is gone past, so that no number of items that fail holds back those due after
 * them (reading from the head each time, a page of failing items would).
 *
 * <p>An item is known by its key, which holds what makes it due (an employee number and the moment
 * of the change; a grant's id, state and expiry): an item whose date moved (an HR correction, an
 * escalated review) has another key, is new and tried at once, and the old key is forgotten. Kept in memory:
 * a restart, or the loop moving to another instance, tries them at once. Waits are of the process
 * ({@link System#nanoTime}), not of the business clock the dates are read on.
 *
 * @param <K> the key of an item
 */
public final class Retries<K> {

    /** The longest wait before an item that failed is tried again. */
    public static final Duration MOST_BACK_OFF = Duration.ofMinutes(1);

    /** Items remembered at most; beyond, the longest known is forgotten, and tried again at once. */
    static final int MOST = 10_000;

    private record Failing(int attempts, long notBeforeNanos) {
    }

    private final String loop;
    private final String what;
    private final Logger log;
    private final Map<Object, Failing> failing = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Failing> eldest) {
            return size() > MOST;
        }
    });
    private final Set<Object> seen = new HashSet<>();

    /**
     * @param loop the loop, for the log ("lifecycle")
     * @param what what an item is, for the log ("the effective date of")
     * @param log the loop's logger
     */
    public Retries(String loop, String what, Logger log) {
        this.loop = loop;
        this.what = what;
        this.log = log;
    }

    /** The next page of what is due, after the last item of the page before (null: the first page). */
    @FunctionalInterface
    public interface Pages<D> {
        List<D> after(@Nullable D last);
    }

    /**
     * Walks what is due once: page after page (a page shorter than {@code size} is the last), each item
     * that is {@linkplain #ready ready} done by {@code one} (in a transaction of its own), or a page's ready
     * items by {@code together} first (one transaction; each by {@code one} if it fails). An item is known
     * by {@code key}. Returns how many were done. A store that cannot be reached ends the pass with its
     * exception; any other failure of an item makes it wait. One pass at a time.
     */
    public synchronized <D> int walk(Pages<D> pages, int size, Function<D, K> key, Function<D, String> name,
                                     @Nullable Consumer<List<D>> together, Consumer<D> one) {
        seen.clear();
        int done = 0;
        D last = null;
        List<D> page;
        do {
            page = pages.after(last);
            if (!page.isEmpty()) {
                last = page.get(page.size() - 1);
            }
            List<D> ready = page.stream().filter(d -> ready(key.apply(d))).toList();
            List<D> alone = ready;
            if (together != null && ready.size() > 1) {
                try {
                    together.accept(ready);
                    ready.forEach(d -> failing.remove(key.apply(d)));
                    done += ready.size();
                    alone = List.of();
                } catch (RuntimeException e) {
                    unreachable(e);
                    log.warn("{}: {} due could not be applied together ({}); each on its own now", loop, ready.size(),
                        e.toString());
                }
            }
            for (D d : alone) {
                try {
                    one.accept(d);
                    failing.remove(key.apply(d));
                    done++;
                } catch (RuntimeException e) {
                    unreachable(e);
                    failed(key.apply(d), name.apply(d), e);
                }
            }
        } while (page.size() == size);
        // one not met is not due any more as it failed (moved, or cleared by another change): forgotten
        failing.keySet().retainAll(seen);
        return done;
    }

    private static void unreachable(RuntimeException e) {
        if (StoreUnreachable.in(e) != null) {
            throw e;
        }
    }

    /** Whether to try this item now: it has not failed, or its wait is over. */
    boolean ready(K key) {
        Failing f = failing.get(key);
        if (f == null) {
            return true;
        }
        seen.add(key);
        return f.notBeforeNanos() - System.nanoTime() <= 0;
    }

    /** It failed on its own: logged at ERROR, tried again after its wait. */
    void failed(K key, String description, RuntimeException e) {
        Failing before = failing.get(key);
        int attempts = before != null ? before.attempts() + 1 : 1;
        Duration wait = Duration.ofSeconds(1L << Math.min(attempts - 1, 6));
        wait = wait.compareTo(MOST_BACK_OFF) > 0 ? MOST_BACK_OFF : wait;
        failing.put(key, new Failing(attempts, System.nanoTime() + wait.toNanos()));
        seen.add(key);
        log.error("{}: {} {} could not be applied, {} time(s); tried again in {} s: {}", loop, what, description,
            attempts, wait.toSeconds(), e.toString());
    }

    /**
     * How long until {@code next} (an item due, read on {@code clock}; past: 0 or less) or until the first wait
     * is over, at most {@code most} ms.
     */
    public long millisToNext(java.util.Optional<java.time.Instant> next, java.time.Clock clock, long most) {
        long until = next.map(at -> Duration.between(clock.instant(), at).toMillis()).orElse(most);
        return millisToNext(Math.min(until, most));
    }

    /** How long until the first wait is over, at most {@code most} ms. */
    public long millisToNext(long most) {
        long now = System.nanoTime();
        long wait = most;
        synchronized (failing) {
            for (Failing f : failing.values()) {
                wait = Math.min(wait, Duration.ofNanos(f.notBeforeNanos() - now).toMillis());
            }
        }
        return Math.max(0, wait);
    }

    /** How many failed and wait to be tried again (for a gauge). */
    public int size() {
        return failing.size();
    }
}
