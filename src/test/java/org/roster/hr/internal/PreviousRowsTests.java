package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PreviousRowsTests {

    private static final String A = "0123456789abcdef0123456789abcdef";
    private static final String B = "fedcba9876543210fedcba9876543210";

    @Test
    void tellsAStoredRowsHashAndWhetherARowIsTheSame() {
        PreviousRows rows = new PreviousRows(3);
        rows.put("E1", A);
        rows.put("E2", B);

        assertThat(rows.size()).isEqualTo(2);
        assertThat(rows.same(KeyDigest.of("E1"), A)).isTrue();
        assertThat(rows.same(KeyDigest.of("E1"), B)).isFalse();
        assertThat(rows.same(KeyDigest.of("E3"), A)).as("a worker the last snapshot did not have").isFalse();
        assertThat(rows.hash(KeyDigest.of("E2"))).isEqualTo(B);
        assertThat(rows.hash(KeyDigest.of("E3"))).isNull();
        assertThat(rows.same(KeyDigest.of("E1"), "0123")).as("not a stored hash's length").isFalse();
    }

    @Test
    void countsTheStoredWorkersNotNamedYet() {
        PreviousRows rows = new PreviousRows(1000);
        for (int i = 0; i < 1000; i++) {
            rows.put("E" + i, A);
        }
        assertThat(rows.unnamed()).isEqualTo(1000);

        for (int i = 0; i < 999; i++) {
            rows.named(KeyDigest.of("E" + i));
        }
        rows.named(KeyDigest.of("E0"));            // named twice counts once
        rows.named(KeyDigest.of("new worker"));    // not stored: nothing to count

        assertThat(rows.unnamed()).isEqualTo(1);
        rows.named(KeyDigest.of("E999"));
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
                rows.named(KeyDigest.of(en));
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
        named.forEach(en -> rows.named(KeyDigest.of(en))); // named already: counts nothing more
        assertThat(rows.unnamed()).isEqualTo(model.size() - named.size());
    }

    @Test
    void aCopyForMoreRowsHasTheSameRowsNoneOfThemNamed() {
        PreviousRows rows = new PreviousRows(10);
        for (int i = 0; i < 10; i++) {
            rows.put("E" + i, i % 2 == 0 ? A : B);
        }
        rows.named(KeyDigest.of("E1"));
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
