package dev.plinth.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.core.observe.PluginObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class CallFiguresTest {
    private static final int GET = 0;
    private static final int SET = 1;

    @Test
    void countsEveryCallButReadsTheClockForAboutOneFastCallIn64() {
        CallFigures figures = new CallFigures(2);
        int timed = 0;
        for (int i = 0; i < 6_400; i++) {
            long start = figures.start(GET);
            if (start != PluginObserver.NOT_TIMED) {
                timed++;
            }
            figures.ended(GET, start);
        }
        assertThat(figures.count(GET)).isEqualTo(6_400);
        assertThat(figures.count(SET)).isZero();
        // An empty loop body is far below SLOW_NANOS, so after the first call (timed: no sample yet) only
        // the sampled calls were: 6,400 / 64 = 100 expected, standard deviation about 10 (random choice);
        // a descheduled sample may push the operation into slow mode for a call or two. All 6,400 timed
        // would mean no sampling at all.
        assertThat(timed).isBetween(50, 200);
    }

    @Test
    void slowCallsAreAllTimedAndTheirTimeIsMeasured() {
        CallFigures figures = new CallFigures(2);
        int timed = 0;
        for (int i = 0; i < 5; i++) {
            long start = figures.start(SET);
            if (start != PluginObserver.NOT_TIMED) {
                timed++;
            }
            LockSupport.parkNanos(2_000_000);
            figures.ended(SET, start);
        }
        assertThat(timed).isEqualTo(5);
        assertThat(figures.nanos(SET)).isGreaterThanOrEqualTo(5 * 2_000_000L);
    }

    @Test
    void unsampledCallsAddTheHeldSampleSoTheTotalNeverShrinks() {
        CallFigures figures = new CallFigures(1);
        long previous = 0;
        for (int i = 0; i < 200; i++) {
            figures.ended(GET, figures.start(GET));
            long now = figures.nanos(GET);
            assertThat(now).isGreaterThanOrEqualTo(previous);
            previous = now;
        }
        // A caller's own clock reading (lock waits) counts as a timed call of its real length.
        figures.ended(GET, System.nanoTime() - 50_000_000L);
        assertThat(figures.nanos(GET) - previous).isGreaterThanOrEqualTo(50_000_000L);
        assertThat(figures.count(GET)).isEqualTo(201);
    }

    @Test
    void callsOfEndedThreadsAreKeptAndTheirFiguresFolded() throws InterruptedException {
        CallFigures figures = new CallFigures(2);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (i % 2 == 0) {
                        figures.endedRead(GET, figures.start(GET), 3);
                    } else {
                        figures.ended(GET, figures.start(GET));
                        figures.bytesRead(3);
                    }
                }
                figures.endedWrite(SET, figures.start(SET), 7);
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(figures.liveThreads()).isZero();
        assertThat(figures.count(GET)).isEqualTo(40_000);
        assertThat(figures.count(SET)).isEqualTo(4);
        assertThat(figures.bytesRead()).isEqualTo(120_000);
        assertThat(figures.bytesWritten()).isEqualTo(28);
    }

    @Test
    void figuresOfLiveThreadsAreSummedWhileTheyRun() throws InterruptedException {
        CallFigures figures = new CallFigures(1);
        Object gate = new Object();
        Thread worker = new Thread(() -> {
            figures.ended(GET, figures.start(GET));
            figures.ended(GET, figures.start(GET));
            synchronized (gate) {
                gate.notifyAll();
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        synchronized (gate) {
            worker.start();
            gate.wait();
            assertThat(figures.liveThreads()).isEqualTo(1);
            assertThat(figures.count(GET)).isEqualTo(2);
            gate.notifyAll();
        }
        worker.join();
        assertThat(figures.count(GET)).isEqualTo(2);
        assertThat(figures.liveThreads()).isZero();
    }

    @Test
    void manyShortLivedThreadsDoNotPileUp() throws InterruptedException {
        CallFigures figures = new CallFigures(1);
        for (int i = 0; i < 200; i++) {
            Thread t = new Thread(() -> figures.ended(GET, figures.start(GET)));
            t.start();
            t.join();
        }
        // Registration folds ended threads whenever the list has doubled, so it stays small with no reader.
        assertThat(figures.listedThreads()).isLessThanOrEqualTo(32);
        assertThat(figures.count(GET)).isEqualTo(200);
        assertThat(figures.liveThreads()).isZero();
    }
}
