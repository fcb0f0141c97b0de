package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ManagerLevelsTests {

    private static void add(ManagerLevels levels, String en, String manager) {
        levels.add(KeyDigest.of(en), en, manager);
    }

    private static int level(ManagerLevels levels, String en) {
        return levels.level(KeyDigest.of(en));
    }

    @Test
    void aWorkerIsOneLevelBelowTheManagerTheFileGivesThem() {
        ManagerLevels levels = new ManagerLevels(1_000_000);
        add(levels, "E5", "E9"); // the manager comes later in the file, and sorts after
        add(levels, "E9", "E1");
        add(levels, "E1", null);
        add(levels, "E2", "X1"); // a manager the file does not have
        add(levels, "E3", "E3"); // their own manager

        assertThat(levels.reorders()).as("E5 sorts before its manager E9").isTrue();
        assertThat(level(levels, "E1")).isZero();
        assertThat(level(levels, "E9")).isEqualTo(1);
        assertThat(level(levels, "E5")).isEqualTo(2);
        assertThat(level(levels, "E2")).as("under someone not in the file").isZero();
        assertThat(level(levels, "E3")).isZero();
        assertThat(level(levels, "X1")).as("not a row of the file: last").isEqualTo(ManagerLevels.DEEPEST);
    }

    @Test
    void aFileWhoseManagersSortBeforeTheirReportsNeedsNoOtherOrder() {
        ManagerLevels levels = new ManagerLevels(1_000_000);
        add(levels, "B1", null);
        add(levels, "B12", "B1");
        add(levels, "B123", "B12");
        add(levels, "A1", "Z9"); // sorts before a manager the file does not have: no reorder for that

        assertThat(levels.reorders()).isFalse();
        assertThat(level(levels, "B123")).isEqualTo(2);
    }

    @Test
    void aWorkerAddedTwiceKeepsTheFirstRowsManager() {
        ManagerLevels levels = new ManagerLevels(1_000_000);
        add(levels, "E1", null);
        add(levels, "E2", "E1");
        add(levels, "E2", null);

        assertThat(level(levels, "E2")).isEqualTo(1);
    }

    @Test
    void aCycleAndAChainPastTheDeepestLevelRankLast() {
        ManagerLevels levels = new ManagerLevels(1_000_000);
        add(levels, "C1", "C2");
        add(levels, "C2", "C1");
        add(levels, "U1", "C1"); // under the cycle
        for (int i = 0; i < ManagerLevels.DEEPEST + 10; i++) {
            add(levels, "D" + (1000 + i), i == 0 ? null : "D" + (999 + i));
        }

        // the deepest first: its walk passes shallower workers, whose levels it must not spoil
        assertThat(level(levels, "D1060")).isEqualTo(ManagerLevels.DEEPEST);
        assertThat(level(levels, "D1009")).isEqualTo(9);
        assertThat(level(levels, "U1")).as("under a cycle").isEqualTo(ManagerLevels.DEEPEST);
        assertThat(level(levels, "C1")).isEqualTo(ManagerLevels.DEEPEST);
        assertThat(level(levels, "C2")).isEqualTo(ManagerLevels.DEEPEST);
        assertThat(level(levels, "U1")).isEqualTo(ManagerLevels.DEEPEST);
        assertThat(level(levels, "D1000")).isZero();
        assertThat(level(levels, "D1050")).isEqualTo(50);
        assertThat(level(levels, "D1051")).isEqualTo(ManagerLevels.DEEPEST);
        assertThat(level(levels, "D1060")).isEqualTo(ManagerLevels.DEEPEST);
    }

    @Test
    void aTableAtItsBoundAddsNothingMore() {
        ManagerLevels levels = new ManagerLevels(4);
        assertThat(levels.add(KeyDigest.of("E1"), "E1", "E2")).isTrue();
        assertThat(levels.add(KeyDigest.of("E3"), "E3", "E2")).as("one entry more").isTrue();
        assertThat(levels.add(KeyDigest.of("E4"), "E4", "E9")).as("two more would pass four").isFalse();
        assertThat(level(levels, "E4")).isEqualTo(ManagerLevels.DEEPEST);
    }

    /** A table grown many times over still links each worker to their manager: levels as a map works them out. */
    @Test
    void aLargeTreeAddedInAnyOrderHasTheLevelsAMapGives() {
        ManagerLevels levels = new ManagerLevels(1_000_000);
        Random random = new Random(11);
        int n = 100_000;
        Map<String, String> managerOf = new HashMap<>();
        for (int i = 1; i < n; i++) {
            managerOf.put("W" + i, "W" + random.nextInt(i)); // a tree rooted at W0
        }
        java.util.List<String> order = new java.util.ArrayList<>(managerOf.keySet());
        order.add("W0");
        java.util.Collections.shuffle(order, random);
        for (String en : order) {
            add(levels, en, managerOf.get(en));
        }

        assertThat(levels.reorders()).isTrue();
        for (int i = 0; i < n; i += 997) {
            String en = "W" + i;
            int expected = 0;
            for (String m = managerOf.get(en); m != null; m = managerOf.get(m)) {
                expected++;
            }
            assertThat(level(levels, en)).as(en).isEqualTo(Math.min(expected, ManagerLevels.DEEPEST));
        }
    }
}
