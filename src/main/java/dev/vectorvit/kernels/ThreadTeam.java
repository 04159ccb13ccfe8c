package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed team of threads that runs one job at a time, each member once with its own index: the
 * fork-join of a parallel kernel without queues, futures or per-call allocation. The calling thread
 * is member 0, so a team of one spawns nothing. Idle members spin briefly (a forward pass issues
 * hundreds of jobs a few hundred microseconds apart) and then park. They park at once in a team with more
 * members than the JVM has processors, and while the jobs in flight of all teams in the JVM (concurrent
 * callers' sessions) have more members than that: a spinning member holds a core that a working one needs
 * (ViT-B/16 on 16 threads of 2 cores: 2.3x slower with spinning; two callers with 2-thread sessions on 2
 * cores: 11% fewer images a second; RESULTS.md).
 * A job that itself calls {@link #run} on the same team runs inline on the calling member, and callers
 * from different threads take turns.
 */
public final class ThreadTeam implements AutoCloseable {

    /** Work for one member; {@code member} is in [0, members). */
    @FunctionalInterface
    public interface Job {
        void run(int member, int members);
    }

    private static final int SPINS = 1 << 14;
    /** The most members a team can have (a job's member count travels in 16 bits). */
    public static final int MAX_SIZE = 0xFFFF;

    private final int size;
    /** Members of every team's jobs in flight in this JVM: above the processors, waiting members park at once. */
    private static final AtomicInteger ACTIVE = new AtomicInteger();
    private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();
    /** Spins before parking: none where the team has more members than the JVM has processors. */
    private final int spins;
    private final Thread[] helpers;
    private final ReentrantLock turn = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Job job;
    /** The job in flight: its generation (high bits) and how many members run it (low 16 bits), read as one. */
    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;

    private ThreadTeam(int size) {
        this.size = size;
        this.spins = size <= Runtime.getRuntime().availableProcessors() ? SPINS : 0;
        this.helpers = new Thread[size - 1];
        for (int i = 1; i < size; i++) {
            Thread t = new Helper(i);
            helpers[i - 1] = t;
            t.start();
        }
    }

    /** A team of {@code threads} members (the caller plus threads - 1 helpers). */
    public static ThreadTeam of(int threads) {
        if (threads < 1 || threads > MAX_SIZE) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_SIZE + "], got " + threads);
        }
        return new ThreadTeam(threads);
    }

    /** A team with one member per available processor. */
    public static ThreadTeam ofAvailableProcessors() {
        return of(Runtime.getRuntime().availableProcessors());
    }

    public int size() {
        return size;
    }

    /** Whether idle members spin before they park. */
    boolean spins() {
        return spins > 0;
    }

    /** Members of the jobs in flight of every team in this JVM. */
    static int active() {
        return ACTIVE.get();
    }

    /** Runs {@code work} on every member and returns when all are done; rethrows the first failure. */
    public void run(Job work) {
        run(work, size);
    }

    /**
     * Runs {@code work} on the first {@code members} members only (at least 1, at most the team's size), as
     * a job of that many members: for work too small to pay for the whole team's start and finish. The
     * other helpers are not woken. One member runs it on the calling thread.
     */
    public void run(Job work, int members) {
        if (closed) {
            throw new IllegalStateException("thread team is closed");
        }
        if (members < 1 || members > size) {
            throw new IllegalArgumentException("members " + members + " is not in [1, " + size + "]");
        }
        if (members == 1 || runsInline()) {
            for (int m = 0; m < members; m++) {
                work.run(m, members);
            }
            return;
        }
        turn.lock();
        try {
            failure = null;
            caller = Thread.currentThread();
            pending.set(members - 1);
            job = work;
            ACTIVE.addAndGet(members);
            generation = ((generation >>> 16) + 1) << 16 | members;
            for (int i = 0; i < members - 1; i++) {
                LockSupport.unpark(helpers[i]);
            }
            try {
                work.run(0, members);
            } catch (Throwable t) {
                failure = t;
            }
            int limit = ACTIVE.get() > PROCESSORS ? 0 : spins;
            for (int n = 0; pending.get() != 0; n++) {
                if (n < limit) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            job = null;
            ACTIVE.addAndGet(-members);
            Throwable f = failure;
            if (f != null) {
                if (f instanceof RuntimeException r) {
                    throw r;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f);
            }
        } finally {
            turn.unlock();
        }
    }

    /** True when a job started now would run on the calling thread alone (one member, or nested in a job). */
    private boolean runsInline() {
        return size == 1 || turn.isHeldByCurrentThread() || Thread.currentThread() instanceof Helper h && h.team() == this;
    }

    /**
     * True when a job started now from this thread may access {@code segment} on every member: false for a
     * segment of a confined arena when the job would reach the helper threads.
     */
    boolean canShare(MemorySegment segment) {
        if (runsInline()) {
            return true;
        }
        for (Thread t : helpers) {
            if (!segment.isAccessibleBy(t)) {
                return false;
            }
        }
        return true;
    }

    private void helperLoop(int member) {
        long seen = 0;
        while (true) {
            int n = 0, limit = ACTIVE.get() > PROCESSORS ? 0 : spins;
            while (generation == seen && !closed) {
                if (n++ < limit) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            int members = (int) (seen & 0xFFFF);
            if (member >= members) {
                continue; // not in this job: the caller does not wait for this member
            }
            try {
                job.run(member, members);
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    private final class Helper extends Thread {
        private final int member;

        Helper(int member) {
            super("vectorvit-" + member);
            this.member = member;
            setDaemon(true);
        }

        ThreadTeam team() {
            return ThreadTeam.this;
        }

        @Override
        public void run() {
            helperLoop(member);
        }
    }

    /** Stops the helpers; the team cannot run jobs afterwards. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
    }
}
