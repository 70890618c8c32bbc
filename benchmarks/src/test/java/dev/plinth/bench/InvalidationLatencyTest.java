package dev.plinth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InvalidationLatencyTest {

    @Test
    void percentilesAreNearestRank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertThat(InvalidationLatency.percentile(hundred, 50)).isEqualTo(50);
        assertThat(InvalidationLatency.percentile(hundred, 99)).isEqualTo(99);
        assertThat(InvalidationLatency.percentile(hundred, 100)).isEqualTo(100);
        assertThat(InvalidationLatency.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(InvalidationLatency.percentile(new long[] {1, 2, 3}, 50)).isEqualTo(2);
        assertThatThrownBy(() -> InvalidationLatency.percentile(new long[0], 50))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void figuresAreInMicrosecondsFromUnsortedNanos() {
        InvalidationLatency.Figures f = InvalidationLatency.Figures.of("x", new long[] {3_000, 1_000, 2_000}, "r");
        assertThat(f.rounds()).isEqualTo(3);
        assertThat(f.medianMicros()).isEqualTo(2.0);
        assertThat(f.p99Micros()).isEqualTo(3.0);
        assertThat(f.maxMicros()).isEqualTo(3.0);
    }

    @Test
    void sqliteSidesInTwoJvmsSeeEveryRound() throws Exception {
        // A real run, two processes on one SQLite file: every round must arrive (a lost invalidation would
        // leave the reader on the old value and time the round out), with a positive latency.
        InvalidationLatency.Figures f = InvalidationLatency.measure("plinth-sqlite", 5);
        assertThat(f.rounds()).isEqualTo(5);
        assertThat(f.medianMicros()).isPositive();
        assertThat(f.reader()).contains("from the near cache");
    }
}
