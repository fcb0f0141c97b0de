package org.roster.hr.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenKeysTests {

    @Test
    void keepsEveryKeyOnceAcrossGrowth() {
        SeenKeys keys = new SeenKeys();
        for (int i = 0; i < 100_000; i++) {
            assertThat(keys.add("E" + i)).isTrue();
        }
        assertThat(keys.size()).isEqualTo(100_000);
        assertThat(keys.add("E77")).as("named twice").isFalse();
        assertThat(keys.contains("E99999")).isTrue();
        assertThat(keys.contains("E100000")).isFalse();
        assertThat(keys.contains("e1")).as("employee numbers are compared exactly").isFalse();
        assertThat(keys.size()).isEqualTo(100_000);
    }

    @Test
    void aDigestOfAllZeroesIsAKeyLikeAnyOther() {
        SeenKeys keys = new SeenKeys();
        assertThat(keys.add(new KeyDigest(0, 0))).isTrue();
        assertThat(keys.add(new KeyDigest(0, 0))).as("named twice").isFalse();
        assertThat(keys.size()).isEqualTo(1);
        for (int i = 0; i < 10_000; i++) {
            keys.add("E" + i); // grows the table: the zero key moves with the others
        }
        assertThat(keys.add(new KeyDigest(0, 0))).isFalse();
        assertThat(keys.size()).isEqualTo(10_001);
    }
}
