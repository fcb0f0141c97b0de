package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PreviousRowsTests {

    private static final String A = "0123456789abcdef0123456789abcdef";
    private static final String B = "fedcba9876543210fedcba9876543210";

    @Test
    void tellsAStoredRowsHashAndWhetherARowIsTheSameInOneLookupAndMarksItNamed() {
        PreviousRows rows = new PreviousRows(3);
        rows.put("E1", A);
        rows.put("E2", B);

        assertThat(rows.size()).isEqualTo(2);
        assertThat(rows.hash(KeyDigest.of("E2"))).isEqualTo(B);
        assertThat(rows.hash(KeyDigest.of("E3"))).isNull();
        assertThat(see(rows, "E1", A)).isEqualTo(PreviousRows.Seen.SAME);
        assertThat(see(rows, "E1", A)).as("a second row for the worker").isEqualTo(PreviousRows.Seen.REPEATED);
        assertThat(see(rows, "E2", A)).isEqualTo(PreviousRows.Seen.CHANGED);
        assertThat(see(rows, "E3", A)).as("a worker the last snapshot did not have").isEqualTo(PreviousRows.Seen.NEW);
        assertThat(see(rows, "E3", A)).as("not kept: the caller's key set tells a repeated new worker").isEqualTo(PreviousRows.Seen.NEW);
        assertThat(rows.wasNamed(KeyDigest.of("E1"))).isTrue();
        assertThat(rows.wasNamed(KeyDigest.of("E3"))).isFalse();
    }

    private static PreviousRows.Seen see(PreviousRows rows, String en, String hash) {
        return rows.see(KeyDigest.of(en), PreviousRows.high(hash), PreviousRows.low(hash));
    }

    @Test
    void countsTheStoredWorkersNotNamedYet() {
        PreviousRows rows = new PreviousRows(1000);
        for (int i = 0; i < 1000; i++) {
            rows.put("E" + i, A);
        }
        assertThat(rows.unnamed()).isEqualTo(1000);

        for (int i = 0; i < 999; i++) {
            see(rows, "E" + i, B);
        }
        see(rows, "E0", A);            // named twice counts once
        see(rows, "new worker", A);    // not stored: nothing to count

        assertThat(rows.unnamed()).isEqualTo(1);
        see(rows, "E999", A);
        assertThat(rows.unnamed()).isZero();
    }

    @Test
    void refusesMoreRowsThanItWasMadeForAndHashesThatAreNotStoredOnes() {
        PreviousRows rows = new PreviousRows(0);
        for (int i = 0; i < 8; i++) {
            rows.put("E" + i, A); // a table for 0 rows still has room for the minimum size
        }
        assertThatThrownBy(() -> {
            for (int i = 8; i < 100; i++) {
                rows.put("E" + i, A);
            }
        }).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PreviousRows(PreviousRows.MAX_ROWS + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PreviousRows(1).put("E1", "abcd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PreviousRows.high("0123")).as("not a stored hash's length").isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Rows put, changed and removed at random in a table kept small, so that runs of entries wrap
     * around its end and a removal moves the entries after it: every lookup agrees with a map doing
     * the same, and which workers were named survives the moves.
     */
    @Test
    void rowsRemovedAndChangedAtRandomAreFoundAsAMapWouldFindThem() {
        java.util.Random random = new java.util.Random(7);
        PreviousRows rows = new PreviousRows(300);
        java.util.Map<String, String> model = new java.util.HashMap<>();
        java.util.Set<String> named = new java.util.HashSet<>();
        for (int step = 0; step < 20_000; step++) {
            String en = "E" + random.nextInt(400);
            int what = random.nextInt(4);
            if (what == 0) {
                rows.remove(KeyDigest.of(en));
                model.remove(en);
                named.remove(en);
            } else if (what == 1 && model.containsKey(en)) {
                see(rows, en, A);
                named.add(en);
            } else if (model.size() < 300 || model.containsKey(en)) {
                String hash = String.format("%032x", random.nextLong() & Long.MAX_VALUE);
                rows.put(en, hash);
                model.put(en, hash);
            }
        }
        assertThat(rows.size()).isEqualTo(model.size());
        assertThat(rows.unnamed()).isEqualTo(model.size() - named.size());
        for (int i = 0; i < 400; i++) {
            String en = "E" + i;
            assertThat(rows.hash(KeyDigest.of(en))).as(en).isEqualTo(model.get(en));
        }
        named.forEach(en -> see(rows, en, A)); // named already: counts nothing more
        assertThat(rows.unnamed()).isEqualTo(model.size() - named.size());
    }

    @Test
    void aCopyForMoreRowsHasTheSameRowsNoneOfThemNamed() {
        PreviousRows rows = new PreviousRows(10);
        for (int i = 0; i < 10; i++) {
            rows.put("E" + i, i % 2 == 0 ? A : B);
        }
        see(rows, "E1", A);
        assertThat(rows.fits(100)).isFalse();

        PreviousRows copy = rows.copyFor(100);

        assertThat(copy.fits(100)).isTrue();
        assertThat(copy.size()).isEqualTo(10);
        assertThat(copy.unnamed()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(copy.hash(KeyDigest.of("E" + i))).isEqualTo(i % 2 == 0 ? A : B);
        }
        rows.forgetNamed();
        assertThat(rows.unnamed()).isEqualTo(10);
    }
}
