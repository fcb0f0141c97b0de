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
}
