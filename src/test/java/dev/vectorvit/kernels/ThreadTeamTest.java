package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ThreadTeam: members, failures, nesting, closing. A hang would be a bug: every test has a timeout. */
@Timeout(20)
final class ThreadTeamTest {

    @Test
    void sizeMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadTeam.of(0));
        assertTrue(e.getMessage().contains("threads must be in [1, 65535], got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ThreadTeam.of(-4));
    }

    @Test
    void everyMemberRunsOncePerJobAndMemberZeroIsTheCaller() {
        try (ThreadTeam team = ThreadTeam.of(3)) {
            for (int job = 0; job < 50; job++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(3);
                Thread[] threads = new Thread[3];
                team.run((member, members) -> {
                    assertEquals(3, members);
                    runs.incrementAndGet(member);
                    threads[member] = Thread.currentThread();
                });
                assertEquals("[1, 1, 1]", runs.toString());
                assertSame(Thread.currentThread(), threads[0]);
                assertTrue(threads[1] != threads[0] && threads[2] != threads[0] && threads[1] != threads[2]);
            }
        }
    }

    /** A job for fewer members runs on the first ones only, interleaved with whole-team jobs. */
    @Test
    void aJobForFewerMembersRunsOnTheFirstOnes() {
        try (ThreadTeam team = ThreadTeam.of(4)) {
            for (int job = 0; job < 200; job++) {
                int members = 1 + job % 4;
                AtomicIntegerArray runs = new AtomicIntegerArray(4);
                team.run((member, count) -> {
                    assertEquals(members, count);
                    runs.incrementAndGet(member);
                }, members);
                for (int m = 0; m < 4; m++) {
                    assertEquals(m < members ? 1 : 0, runs.get(m), "member " + m + " of a job for " + members);
                }
                AtomicIntegerArray all = new AtomicIntegerArray(4);
                team.run((member, count) -> all.incrementAndGet(member));
                assertEquals("[1, 1, 1, 1]", all.toString(), "a whole-team job after one for " + members);
            }
            assertThrows(IllegalArgumentException.class, () -> team.run((m, n) -> { }, 0));
            assertThrows(IllegalArgumentException.class, () -> team.run((m, n) -> { }, 5));
        }
    }

    @Test
    void aTeamLargerThanTheProcessorsParksInsteadOfSpinningAndStillRunsEveryMember() {
        int processors = Runtime.getRuntime().availableProcessors();
        try (ThreadTeam fits = ThreadTeam.of(processors); ThreadTeam over = ThreadTeam.of(processors + 2)) {
            assertTrue(fits.spins(), "a team of " + processors + " on " + processors + " processors spins");
            assertFalse(over.spins(), "a team of " + (processors + 2) + " on " + processors + " processors parks");
            AtomicIntegerArray runs = new AtomicIntegerArray(processors + 2);
            for (int job = 0; job < 200; job++) {
                over.run((member, members) -> runs.incrementAndGet(member));
            }
            for (int m = 0; m < runs.length(); m++) {
                assertEquals(200, runs.get(m), "jobs run by member " + m);
            }
        }
    }

    @Test
    void aJobsMembersCountAsActiveWhileItRunsAndNotAfterEvenWhenItFails() {
        try (ThreadTeam team = ThreadTeam.of(3)) {
            int before = ThreadTeam.active();
            AtomicIntegerArray seen = new AtomicIntegerArray(3);
            team.run((member, members) -> seen.set(member, ThreadTeam.active() - before));
            for (int m = 0; m < 3; m++) {
                assertEquals(3, seen.get(m), "active members seen by member " + m + " beyond the " + before + " before");
            }
            assertEquals(before, ThreadTeam.active(), "after the job");
            assertThrows(IllegalStateException.class, () -> team.run((member, members) -> {
                if (member == 1) {
                    throw new IllegalStateException("boom");
                }
            }));
            assertEquals(before, ThreadTeam.active(), "after a failed job");
        }
    }

    @Test
    void aTeamOfOneRunsOnTheCaller() {
        try (ThreadTeam team = ThreadTeam.of(1)) {
            Thread[] ran = new Thread[1];
            team.run((member, members) -> ran[member] = Thread.currentThread());
            assertSame(Thread.currentThread(), ran[0]);
        }
    }

    @Test
    void aFailureOnAHelperReachesTheCallerAndTheTeamCarriesOn() {
        try (ThreadTeam team = ThreadTeam.of(3)) {
            IllegalStateException boom = new IllegalStateException("boom");
            AtomicIntegerArray finished = new AtomicIntegerArray(3);
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> team.run((member, members) -> {
                if (member == 2) {
                    throw boom;
                }
                finished.incrementAndGet(member);
            }));
            assertSame(boom, thrown);
            assertEquals("[1, 1, 0]", finished.toString());
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            team.run((member, members) -> runs.incrementAndGet(member));
            assertEquals("[1, 1, 1]", runs.toString());
        }
    }

    @Test
    void aFailureOnTheCallerWaitsForTheHelpers() {
        try (ThreadTeam team = ThreadTeam.of(3)) {
            AtomicIntegerArray finished = new AtomicIntegerArray(3);
            assertThrows(ArithmeticException.class, () -> team.run((member, members) -> {
                if (member == 0) {
                    throw new ArithmeticException("member 0");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                finished.incrementAndGet(member);
            }));
            // run() returned only after both helpers were done.
            assertEquals("[0, 1, 1]", finished.toString());
        }
    }

    @Test
    void errorsPropagateToo() {
        try (ThreadTeam team = ThreadTeam.of(2)) {
            AssertionError error = new AssertionError("helper");
            assertSame(error, assertThrows(AssertionError.class, () -> team.run((member, members) -> {
                if (member == 1) {
                    throw error;
                }
            })));
        }
    }

    @Test
    void aJobNestedInAJobRunsInlineOnTheMembersThread() {
        try (ThreadTeam team = ThreadTeam.of(3)) {
            ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
            team.run((outer, members) -> {
                Thread here = Thread.currentThread();
                team.run((inner, innerMembers) -> {
                    assertSame(here, Thread.currentThread(), "nested member " + inner + " left outer member " + outer);
                    calls.add(outer + "." + inner);
                });
            });
            List<String> sorted = calls.stream().sorted().toList();
            assertEquals(List.of("0.0", "0.1", "0.2", "1.0", "1.1", "1.2", "2.0", "2.1", "2.2"), sorted);
        }
    }

    @Test
    void callersOnDifferentThreadsTakeTurns() throws InterruptedException {
        try (ThreadTeam team = ThreadTeam.of(2)) {
            int jobs = 200;
            long[] sums = new long[2];
            CountDownLatch go = new CountDownLatch(1);
            Thread[] callers = new Thread[2];
            for (int c = 0; c < 2; c++) {
                int caller = c;
                callers[c] = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int j = 0; j < jobs; j++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(2);
                        team.run((member, members) -> runs.incrementAndGet(member));
                        sums[caller] += runs.get(0) + runs.get(1);
                    }
                });
                callers[c].start();
            }
            go.countDown();
            for (Thread t : callers) {
                t.join();
            }
            assertArrayEquals(new long[] {2 * jobs, 2 * jobs}, sums);
        }
    }

    @Test
    void runAfterCloseIsAnIllegalStateException() {
        ThreadTeam team = ThreadTeam.of(2);
        team.close();
        team.close(); // closing twice is harmless
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run((member, members) -> {}));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        ThreadTeam one = ThreadTeam.of(1);
        one.close();
        assertThrows(IllegalStateException.class, () -> one.run((member, members) -> {}));
    }
}
