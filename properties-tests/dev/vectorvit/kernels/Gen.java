package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * What the kernel properties share: shape and layout generators, data, matrices in segments with
 * guarded padding, and the rounding constants their error bounds are built from.
 *
 * <p>Shapes and layouts are jqwik values (so a failure shrinks to the smallest shape and the report
 * names it); the data comes from a {@link Random} seeded by a jqwik {@code long}, which keeps generation
 * cheap and lets the shrinker work on the shape while the data stays a function of the seed.
 */
final class Gen {
    /** Unit roundoff of float (half an ulp of 1): every float operation errs by at most U relatively. */
    static final double U = 0x1p-24;
    /** Lanes of the float species the vector kernels use. */
    static final int V = Lanes.N;
    /** The largest dimension drawn. */
    static final int MAX_DIM = 300;

    /**
     * Sizes where loop tails and blocks change, ascending (jqwik shrinks towards the front): the
     * smallest, primes, and multiples of MR = 6, of the lane count 16 and of NR = 32 with their
     * neighbours.
     */
    private static final List<Integer> EDGE_SIZES = List.of(1, 2, 3, 5, 6, 7, 8, 11, 12, 13, 15, 16, 17, 23, 29,
            31, 32, 33, 37, 47, 48, 49, 61, 63, 64, 65, 95, 96, 97, 127, 128, 129, 191, 192, 193, 197, 251, 255,
            256, 257, 293, 300);

    /** Filler of all padding: a NaN with a payload, so a stray read poisons a result and a stray write shows. */
    static final float SENTINEL = Float.intBitsToFloat(0x7fa05e17);
    /** Floats of padding after every matrix, so that a tail written too far lands inside the segment. */
    private static final int GUARD = 2 * 16 + 3;

    private Gen() {}

    /** 1..max, favouring the edge sizes and small sizes; shrinks towards small sizes. */
    static Arbitrary<Integer> sizes(int max) {
        List<Integer> edges = EDGE_SIZES.stream().filter(s -> s <= max).toList();
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(edges)),
                Tuple.of(2, Arbitraries.integers().between(1, Math.min(8, max))),
                Tuple.of(3, Arbitraries.integers().between(1, max)));
    }

    /** A matrix dimension, 1..300. */
    static final class Dim implements ArbitrarySupplier<Integer> {
        @Override
        public Arbitrary<Integer> get() {
            return sizes(MAX_DIM);
        }
    }

    /** A row count for the row-wise kernels, 1..24: their rows are independent, columns carry the tails. */
    static final class Rows implements ArbitrarySupplier<Integer> {
        @Override
        public Arbitrary<Integer> get() {
            return sizes(24);
        }
    }

    /**
     * Where a matrix lies in its segment: {@code offset} floats before it and {@code pad} floats after each
     * row (leading dimension = columns + pad).
     */
    record Place(int pad, int offset) {
        int ld(int cols) {
            return cols + pad;
        }

        static final class Any implements ArbitrarySupplier<Place> {
            @Override
            public Arbitrary<Place> get() {
                return Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 37))
                        .as(Place::new);
            }
        }
    }

    /** Kinds of data. */
    enum Values {
        /** Uniform in [-1, 1]. */
        UNIFORM,
        /** Mantissa uniform in [-1, 1] times 2^e, e uniform in [-20, 20], for each element. */
        WIDE,
        /** Uniform in [-1, 1] times one 2^e per row, e in [-20, 20]. */
        ROW_SCALED,
        /** 1e4 plus Gaussian noise of standard deviation 1e-2: large mean, small spread. */
        LARGE_MEAN;

        void fillRow(float[] row, Random r) {
            double rowScale = Math.scalb(1.0, r.nextInt(41) - 20);
            for (int j = 0; j < row.length; j++) {
                row[j] = switch (this) {
                    case UNIFORM -> uniform(r);
                    case WIDE -> (float) Math.scalb(2 * r.nextDouble() - 1, r.nextInt(41) - 20);
                    case ROW_SCALED -> (float) (rowScale * (2 * r.nextDouble() - 1));
                    case LARGE_MEAN -> (float) (1e4 + 1e-2 * r.nextGaussian());
                };
            }
        }
    }

    static float uniform(Random r) {
        return (float) (2 * r.nextDouble() - 1);
    }

    /** gamma_n = n U / (1 - n U): the relative error bound of n float roundings in a row (Higham). */
    static double gamma(int n) {
        return n * U / (1 - n * U);
    }

    /**
     * The most additions one term goes through in a vector sum of n floats: ceil(n / V) steps of its lane's
     * partial sum, then at most V - 1 in the reduction of the lanes.
     */
    static int sumDepth(int n) {
        return (n + V - 1) / V + V;
    }

    /** Throws an AssertionError with the message unless ok. */
    static void check(boolean ok, Supplier<String> message) {
        if (!ok) {
            throw new AssertionError(message.get());
        }
    }

    static boolean sameBits(float a, float b) {
        return Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
    }

    /**
     * A rows x cols matrix at {@code offset} with leading dimension {@code ld} in a segment of its own,
     * every float outside the window holding {@link #SENTINEL}.
     */
    static final class Mat {
        private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

        final MemorySegment seg;
        final long off;
        final int rows, cols, ld;

        private Mat(MemorySegment seg, long off, int rows, int cols, int ld) {
            this.seg = seg;
            this.off = off;
            this.rows = rows;
            this.cols = cols;
            this.ld = ld;
        }

        static Mat allocate(Arena arena, int rows, int cols, Place place) {
            int ld = place.ld(cols);
            long floats = place.offset() + (long) (rows - 1) * ld + cols + GUARD;
            Mat m = new Mat(Memory.floats(arena, floats), place.offset(), rows, cols, ld);
            for (long x = 0; x < floats; x++) {
                m.seg.setAtIndex(F, x, SENTINEL);
            }
            return m;
        }

        /** A matrix with the same layout and the same contents, padding included. */
        Mat copy(Arena arena) {
            Mat m = new Mat(Memory.floats(arena, seg.byteSize() / Float.BYTES), off, rows, cols, ld);
            m.seg.copyFrom(seg);
            return m;
        }

        long index(int i, int j) {
            return off + (long) i * ld + j;
        }

        float get(int i, int j) {
            return seg.getAtIndex(F, index(i, j));
        }

        void set(int i, int j, float v) {
            seg.setAtIndex(F, index(i, j), v);
        }

        float[] row(int i) {
            return Memory.toArray(seg, index(i, 0), cols);
        }

        void setRow(int i, float[] values) {
            MemorySegment.copy(values, 0, seg, F, index(i, 0) * Float.BYTES, cols);
        }

        Mat fill(Values values, Random r) {
            float[] row = new float[cols];
            for (int i = 0; i < rows; i++) {
                values.fillRow(row, r);
                setRow(i, row);
            }
            return this;
        }

        Mat fill(float v) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    set(i, j, v);
                }
            }
            return this;
        }

        /** The raw bits of the whole segment, padding included. */
        int[] bits() {
            return seg.toArray(ValueLayout.JAVA_INT);
        }

        /** Checks that no float outside the window differs from {@code before} (raw bits of the segment). */
        void assertOutsideUnchanged(int[] before, String name) {
            int[] now = bits();
            for (int x = 0; x < now.length; x++) {
                long rel = x - off;
                boolean inside = rel >= 0 && rel / ld < rows && rel % ld < cols;
                if (!inside && now[x] != before[x]) {
                    int at = x;
                    check(false, () -> name + ": float " + at + " outside the " + rows + "x" + cols + " window (offset "
                            + off + ", ld " + ld + ") was overwritten with " + Float.intBitsToFloat(now[at]));
                }
            }
        }
    }
}
