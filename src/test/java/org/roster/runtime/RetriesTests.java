package org.roster.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** A loop's walk over due work: what it goes past, what it tries again and when. */
class RetriesTests {

    private final Retries<Integer> retries = new Retries<>("test", "the item", org.slf4j.LoggerFactory.getLogger(
        RetriesTests.class));

    /** What is due, in order; items are removed once done, as a store's due rows are. */
    private final TreeSet<Integer> due = new TreeSet<>(IntStream.range(0, 250).boxed().toList());
    private final List<Integer> tried = new ArrayList<>();
    private final List<List<Integer>> pages = new ArrayList<>();

    private List<Integer> page(Integer last) {
        return (last == null ? due : due.tailSet(last, false)).stream().limit(10).toList();
    }

    private int walk(Set<Integer> refused, boolean together) {
        return retries.walk(this::page, 10, i -> i, i -> "#" + i, together ? page -> {
            pages.add(page);
            if (page.stream().anyMatch(refused::contains)) {
                throw new IllegalStateException("refused");
            }
            due.removeAll(page);
        } : null, i -> {
            tried.add(i);
            if (refused.contains(i)) {
                throw new IllegalStateException("refused " + i);
            }
            due.remove(i);
        });
    }

    @Test
    void morePagesOfItemsThatFailThanOneHoldBackNoneAfterThemAndWaitToBeTriedAgain() {
        Set<Integer> refused = new TreeSet<>(IntStream.range(0, 25).boxed().toList()); // two pages and a half

        assertThat(walk(refused, false)).isEqualTo(225);
        assertThat(due).containsExactlyElementsOf(refused);
        assertThat(retries.size()).isEqualTo(25);
        assertThat(retries.millisToNext(60_000)).isBetween(900L, 1_000L);

        tried.clear();
        assertThat(walk(refused, false)).as("still waiting: gone past").isZero();
        assertThat(tried).isEmpty();
    }

    @Test
    void aPageThatFailsTogetherIsDoneOneByOneAndOnlyWhatFailsAloneWaits() {
        assertThat(walk(Set.of(13), true)).isEqualTo(249);
        assertThat(tried).as("only the page holding 13 went one by one").containsExactlyElementsOf(
            IntStream.range(10, 20).boxed().toList());
        assertThat(due).containsExactly(13);
        assertThat(retries.size()).isEqualTo(1);

        pages.clear();
        assertThat(walk(Set.of(), true)).as("13 waits").isZero();
        assertThat(pages).as("nothing else due: no page tried").isEmpty();
    }

    @Test
    void anItemThatFailedWaitsOneSecondThenTwiceAsLongEachTimeUpToAMinute() {
        retries.failed(1, "#1", new IllegalStateException());
        assertThat(retries.ready(1)).isFalse();
        assertThat(retries.millisToNext(60_000)).isBetween(900L, 1_000L);
        retries.failed(1, "#1", new IllegalStateException());
        assertThat(retries.millisToNext(60_000)).isBetween(1_900L, 2_000L);
        for (int i = 3; i <= 10; i++) {
            retries.failed(1, "#1", new IllegalStateException());
        }
        assertThat(retries.millisToNext(600_000)).as("the longest wait").isBetween(59_000L, 60_000L);
        assertThat(retries.millisToNext(5_000)).as("no longer than asked").isEqualTo(5_000L);
        assertThat(retries.ready(2)).as("another item").isTrue();
    }

    @Test
    void anItemNoLongerDueIsForgotten() {
        walk(Set.of(3, 4), false);
        assertThat(retries.size()).isEqualTo(2);
        due.remove(3); // cleared by another change (an HR correction; a date moved is another key)
        walk(Set.of(3, 4), false);
        assertThat(retries.size()).isEqualTo(1);
    }

    @Test
    void aStoreThatCannotBeReachedEndsThePassAndIsNoItemsFailure() {
        assertThatThrownBy(() -> retries.walk(this::page, 10, i -> i, i -> "#" + i, null, i -> {
            throw new CannotGetJdbcConnectionException("down");
        })).isInstanceOf(CannotGetJdbcConnectionException.class);
        assertThat(retries.size()).isZero();
        assertThat(due).hasSize(250);
    }
}
