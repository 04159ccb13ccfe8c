package dev.vectorvit.jmh.ladder;

import dev.vectorvit.jmh.Data;
import dev.vectorvit.tensor.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Experiment (b), the ragged end of a row: y = 0.5 x + 0.25 (one FMA per element, so the loop's
 * overhead is what shows) on 197 rows of 197 floats, one head's attention scores, where 197 = 12
 * vectors of 16 + 5. Four ways to handle the 5:
 * <ul>
 *   <li>{@code masked-tail}: full vectors, then one masked step (the library's row kernels)</li>
 *   <li>{@code mask-every-step}: every step masked with indexInRange (the library's softmax exp loop,
 *   which keeps one call site for the exponential)</li>
 *   <li>{@code scalar-tail}: full vectors, then a scalar loop</li>
 *   <li>{@code padded}: rows stored padded to a multiple of V (208 floats here), every step a full
 *   vector, the padding computed and ignored: no tail at all. Padding also starts every row on a
 *   64-byte boundary (208 x 4 bytes); 197-float rows start anywhere, and most of their vectors straddle
 *   two cache lines.</li>
 * </ul>
 * Each variant is checked element by element in setup (FMA is exactly rounded: exactly equal).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class TailBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    static final int ROWS = 197, COLS = 197, PADDED = (COLS + V - 1) / V * V;
    private static final float A = 0.5f, B = 0.25f;

    @Param({"masked-tail", "mask-every-step", "scalar-tail", "padded"})
    public String tail;

    private Arena arena;
    private MemorySegment x, y, xPadded, yPadded;
    private Runnable op;

    @Setup(Level.Trial)
    public void setup() {
        Data.requireSimd();
        arena = Arena.ofShared();
        x = Data.random(arena, (long) ROWS * COLS, 16, -8, 8);
        y = Memory.floats(arena, (long) ROWS * COLS);
        xPadded = Memory.floats(arena, (long) ROWS * PADDED);
        yPadded = Memory.floats(arena, (long) ROWS * PADDED);
        for (int r = 0; r < ROWS; r++) {
            MemorySegment.copy(x, (long) r * COLS * Float.BYTES, xPadded, (long) r * PADDED * Float.BYTES, (long) COLS * Float.BYTES);
        }
        op = switch (tail) {
            case "masked-tail" -> this::maskedTail;
            case "mask-every-step" -> this::maskEveryStep;
            case "scalar-tail" -> this::scalarTail;
            case "padded" -> this::padded;
            default -> throw new IllegalArgumentException("unknown tail " + tail);
        };
        op.run();
        check(tail.equals("padded") ? yPadded : y, tail.equals("padded") ? PADDED : COLS);
    }

    private void check(MemorySegment out, int ld) {
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < COLS; j++) {
                float want = Math.fma(A, x.getAtIndex(F, (long) r * COLS + j), B), got = out.getAtIndex(F, (long) r * ld + j);
                if (got != want) {
                    throw new IllegalStateException(tail + " is wrong at row " + r + ", column " + j + ": " + got + " != " + want);
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void run() {
        op.run();
    }

    private void maskedTail() {
        int bound = S.loopBound(COLS);
        VectorMask<Float> tail = S.indexInRange(bound, COLS);
        for (int r = 0; r < ROWS; r++) {
            long o = (long) r * COLS * Float.BYTES;
            for (int j = 0; j < bound; j += V) {
                long at = o + (long) j * Float.BYTES;
                FloatVector.fromMemorySegment(S, x, at, NATIVE).fma(A, B).intoMemorySegment(y, at, NATIVE);
            }
            long at = o + (long) bound * Float.BYTES;
            FloatVector.fromMemorySegment(S, x, at, NATIVE, tail).fma(A, B).intoMemorySegment(y, at, NATIVE, tail);
        }
    }

    private void maskEveryStep() {
        for (int r = 0; r < ROWS; r++) {
            long o = (long) r * COLS * Float.BYTES;
            for (int j = 0; j < COLS; j += V) {
                VectorMask<Float> m = S.indexInRange(j, COLS);
                long at = o + (long) j * Float.BYTES;
                FloatVector.fromMemorySegment(S, x, at, NATIVE, m).fma(A, B).intoMemorySegment(y, at, NATIVE, m);
            }
        }
    }

    private void scalarTail() {
        int bound = S.loopBound(COLS);
        for (int r = 0; r < ROWS; r++) {
            long o = (long) r * COLS;
            for (int j = 0; j < bound; j += V) {
                long at = (o + j) * Float.BYTES;
                FloatVector.fromMemorySegment(S, x, at, NATIVE).fma(A, B).intoMemorySegment(y, at, NATIVE);
            }
            for (int j = bound; j < COLS; j++) {
                y.setAtIndex(F, o + j, Math.fma(A, x.getAtIndex(F, o + j), B));
            }
        }
    }

    private void padded() {
        for (int r = 0; r < ROWS; r++) {
            long o = (long) r * PADDED * Float.BYTES;
            for (int j = 0; j < PADDED; j += V) {
                long at = o + (long) j * Float.BYTES;
                FloatVector.fromMemorySegment(S, xPadded, at, NATIVE).fma(A, B).intoMemorySegment(yPadded, at, NATIVE);
            }
        }
    }
}
