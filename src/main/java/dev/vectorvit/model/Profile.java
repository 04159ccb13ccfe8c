package dev.vectorvit.model;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Per-operation wall time of a session's passes, summed while on: stages are timed by the session around
 * their run; attention's parts by each team member, averaged over the members.
 */
final class Profile {
    private boolean on;
    private final long[] nanos = new long[Op.values().length];
    private final long[][] memberNanos;
    private int passes;

    Profile(int members) {
        memberNanos = new long[members][Op.values().length];
    }

    /** Turns timing on or off and clears what was measured. */
    void set(boolean on) {
        this.on = on;
        Arrays.fill(nanos, 0);
        for (long[] m : memberNanos) {
            Arrays.fill(m, 0);
        }
        passes = 0;
    }

    long clock() {
        return on ? System.nanoTime() : 0;
    }

    /** Adds the time since {@code start} to {@code op} (a null op times itself); returns the new start. */
    long lap(Op op, long start) {
        if (!on) {
            return 0;
        }
        long now = System.nanoTime();
        if (op != null) {
            nanos[op.ordinal()] += now - start;
        }
        return now;
    }

    /** {@link #lap(Op, long)} for one team member. */
    long lap(int member, Op op, long start) {
        if (!on) {
            return 0;
        }
        long now = System.nanoTime();
        memberNanos[member][op.ordinal()] += now - start;
        return now;
    }

    void passDone() {
        if (on) {
            passes++;
        }
    }

    /** Mean wall time per pass of each operation, in nanoseconds. */
    Map<Op, Double> perPass() {
        Map<Op, Double> out = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            double sum = nanos[op.ordinal()];
            for (long[] m : memberNanos) {
                sum += (double) m[op.ordinal()] / memberNanos.length;
            }
            out.put(op, passes == 0 ? 0 : sum / passes);
        }
        return out;
    }
}
