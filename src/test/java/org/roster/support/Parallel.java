package org.roster.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs a step for every item of a list from several threads, as several HR clients would send. */
public final class Parallel {

    private Parallel() {
    }

    /** One item's work; {@code index} is its place in the list. */
    public interface Step<T> {
        void run(int index, T item) throws Exception;
    }

    /** Runs the step for every item, {@code threads} at a time; the first failure stops the rest and is thrown. */
    public static <T> void forEach(int threads, List<T> items, Step<T> step) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                for (int i = next.getAndIncrement(); i < items.size() && failures.isEmpty(); i = next.getAndIncrement()) {
                    try {
                        step.run(i, items.get(i));
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("still running after 30 minutes");
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.get(0));
        }
    }
}
