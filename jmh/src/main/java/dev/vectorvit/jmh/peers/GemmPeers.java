package dev.vectorvit.jmh.peers;

import dev.ludovic.netlib.blas.JavaBLAS;
import dev.vectorvit.kernels.Epilogue;
import dev.vectorvit.kernels.Gemm;
import dev.vectorvit.kernels.MatrixView;
import dev.vectorvit.kernels.PackedMatrix;
import dev.vectorvit.kernels.Simd;
import dev.vectorvit.kernels.ThreadTeam;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * The row-major FP32 product {@code C[M x N] = A[M x K] op(B)} (alpha 1, beta 0) by each library that
 * {@link GemmPeersBench} compares, on the same operands:
 * <ul>
 *   <li>{@code vectorvit}: {@link Gemm#multiply} on a {@link ThreadTeam} of {@code threads}.</li>
 *   <li>{@code netlib}: dev.ludovic.netlib's {@code VectorBLAS} (the Vector API implementation of
 *       {@link JavaBLAS}; asserted, since without {@code --add-modules jdk.incubator.vector} netlib silently
 *       falls back to plain Java). It is column-major and works on {@code float[]}, so the row-major
 *       product runs as {@code C^T = op(B)^T A^T}. It is single-threaded: with 2 threads the M rows of C
 *       are split in two halves, one {@code sgemm} call each, run by vectorvit's {@link ThreadTeam} (the
 *       same fork-join as vectorvit's own).</li>
 *   <li>{@code openblas}: {@code cblas_sgemm} of OpenBLAS as packaged by JavaCPP (org.bytedeco:openblas,
 *       its own {@code libopenblas.so.0}, DYNAMIC_ARCH), on pointers to the same off-heap memory vectorvit
 *       reads; threads set with {@code blas_set_num_threads} ({@code openblas_set_num_threads}).</li>
 * </ul>
 * B is [N x K] when {@code transB} (PyTorch's weight layout), [K x N] otherwise. The operands are
 * uniform in [-1, 1) from the same seeds as {@code GemmBench}'s, 64-byte aligned.
 */
public abstract sealed class GemmPeers implements AutoCloseable {

    /** The implementations, in the order the report lists them. */
    public static final List<String> IMPLS = List.of("vectorvit", "netlib", "openblas");

    /** The class netlib must hand out for the comparison to mean anything. */
    static final String NETLIB_VECTOR_CLASS = "dev.ludovic.netlib.blas.VectorBLAS";

    /** netlib's switch for its JNI implementation on the system BLAS (set to false before netlib loads). */
    static final String ALLOW_NATIVE = "dev.ludovic.netlib.blas.allowNative";

    /** The operands of one product: off-heap (vectorvit, OpenBLAS) and the same values in arrays (netlib). */
    public static final class Operands implements AutoCloseable {
        public final int m, n, k;
        public final boolean transB;
        final Arena arena = Arena.ofShared();
        final MemorySegment a, b, c;

        public Operands(int m, int k, int n, boolean transB) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.transB = transB;
            a = random(arena, (long) m * k, 1);
            b = random(arena, (long) k * n, 2);
            c = random(arena, (long) m * n, 3);
        }

        int ldb() {
            return transB ? k : n;
        }

        /** C as it is now. */
        public float[] result() {
            return c.toArray(ValueLayout.JAVA_FLOAT);
        }

        @Override
        public void close() {
            arena.close();
        }

        /** {@code count} floats uniform in [-1, 1) from {@code seed}: the values of GemmBench's Data.random. */
        static MemorySegment random(Arena arena, long count, long seed) {
            MemorySegment s = Memory.floats(arena, count);
            SplittableRandom r = new SplittableRandom(seed);
            for (long i = 0; i < count; i++) {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (-1 + 2 * r.nextDouble()));
            }
            return s;
        }
    }

    final Operands o;
    final int threads;

    private GemmPeers(Operands o, int threads) {
        this.o = o;
        this.threads = threads;
    }

    /** An implementation by name (see {@link #IMPLS}) running on {@code threads} threads. */
    public static GemmPeers create(String impl, Operands o, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return switch (impl) {
            case "vectorvit" -> new VectorVit(o, threads);
            case "netlib" -> new Netlib(o, threads);
            case "openblas" -> new OpenBlas(o, threads);
            default -> throw new IllegalArgumentException("impl must be one of " + IMPLS + ", got " + impl);
        };
    }

    /** Computes C (overwriting it). */
    public abstract void multiply();

    /** C as this implementation left it. */
    public float[] result() {
        return o.result();
    }

    /** What runs: the library, its version and kernels. */
    public abstract String describe();

    @Override
    public void close() {}

    /**
     * Checks this implementation against vectorvit's on its own operands: fails unless
     * max |C - C_vectorvit| / max |C_vectorvit| is at most {@code tolerance}.
     */
    public void checkAgainstVectorVit(double tolerance) {
        multiply();
        float[] got = result();
        float[] ref;
        try (GemmPeers v = new VectorVit(o, 1)) {
            v.multiply();
            ref = v.result();
        }
        double maxRef = 0, maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs((double) got[i] - ref[i]));
        }
        double rel = maxDiff / Math.max(maxRef, Float.MIN_NORMAL);
        if (!(rel <= tolerance)) { // also catches NaN
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%s disagrees with vectorvit on %dx%dx%d (transB %b): max |diff| %.3g = %.3g of max |C| (allowed %.1g)",
                    getClass().getSimpleName(), o.m, o.k, o.n, o.transB, maxDiff, rel, tolerance));
        }
    }

    // ------------------------------------------------------------------------------------ vectorvit

    /**
     * B stored [N x K] is a weight, so it is packed once here, as the model packs it at load, and the timed
     * call is the packed product (what ONNX Runtime's MLAS does with a constant B); B stored [K x N] (V in
     * scores x V) is read as it is on every call.
     */
    static final class VectorVit extends GemmPeers {
        private final ThreadTeam team;
        private final Gemm gemm;
        private final Arena arena = Arena.ofShared();
        private final PackedMatrix w;

        VectorVit(Operands o, int threads) {
            super(o, threads);
            team = ThreadTeam.of(threads);
            gemm = new Gemm(team);
            w = o.transB ? PackedMatrix.pack(o.b, 0, o.ldb(), o.n, o.k, arena) : null;
        }

        @Override
        public void multiply() {
            if (w != null) {
                gemm.multiply(o.m, MatrixView.of(o.a, 0, o.k), w, MatrixView.of(o.c, 0, o.n), Epilogue.NONE);
            } else {
                gemm.multiply(o.m, o.n, o.k, 1f, MatrixView.of(o.a, 0, o.k), MatrixView.of(o.b, 0, o.ldb()),
                        MatrixView.of(o.c, 0, o.n), Epilogue.NONE);
            }
        }

        @Override
        public String describe() {
            return "vectorvit Gemm.multiply, " + (w != null ? "B packed once" : "B as stored") + " (" + Simd.describe() + ")";
        }

        @Override
        public void close() {
            team.close();
            arena.close();
        }
    }

    // ------------------------------------------------------------------------------------ netlib

    static final class Netlib extends GemmPeers {
        private final JavaBLAS blas;
        private final float[] a, b, c;
        private final ThreadTeam team;
        private final String transA;

        Netlib(Operands o, int threads) {
            super(o, threads);
            blas = vectorBlas();
            a = o.a.toArray(ValueLayout.JAVA_FLOAT);
            b = o.b.toArray(ValueLayout.JAVA_FLOAT);
            c = o.c.toArray(ValueLayout.JAVA_FLOAT);
            team = threads > 1 ? ThreadTeam.of(threads) : null;
            // Row-major B [N x K] read column-major is op(B) (K x N): transpose it again; [K x N] is op(B)^T.
            transA = o.transB ? "T" : "N";
        }

        @Override
        public void multiply() {
            if (team == null) {
                rows(0, o.m);
            } else {
                team.run((member, members) -> {
                    int per = (o.m + members - 1) / members;
                    int from = Math.min(o.m, member * per), to = Math.min(o.m, from + per);
                    if (from < to) {
                        rows(from, to);
                    }
                });
            }
        }

        /** Rows [from, to) of row-major C, i.e. columns of the column-major C^T = op(B)^T A^T (N x M, ld N). */
        private void rows(int from, int to) {
            blas.sgemm(transA, "N", o.n, to - from, o.k, 1f, b, 0, o.ldb(), a, from * o.k, o.k, 0f, c, from * o.n, o.n);
        }

        @Override
        public float[] result() {
            return c.clone();
        }

        @Override
        public String describe() {
            return NETLIB_VECTOR_CLASS + " " + version(JavaBLAS.class)
                    + (threads > 1 ? " (single-threaded; rows of C split over " + threads + " threads)" : "");
        }

        @Override
        public void close() {
            if (team != null) {
                team.close();
            }
        }

        /** netlib's Vector API BLAS, or an exception saying why it is not the one netlib hands out. */
        static JavaBLAS vectorBlas() {
            // netlib's first use also loads its JNI BLAS on the system libblas.so.3 unless told not to: that
            // is not compared here, and a second BLAS in the process may capture OpenBLAS's symbols.
            if (System.getProperty(ALLOW_NATIVE) == null) {
                System.setProperty(ALLOW_NATIVE, "false");
            }
            JavaBLAS blas = JavaBLAS.getInstance();
            if (!blas.getClass().getName().equals(NETLIB_VECTOR_CLASS)) {
                throw new IllegalStateException("dev.ludovic.netlib hands out " + blas.getClass().getName() + ", not "
                        + NETLIB_VECTOR_CLASS + ": run the JVM with --add-modules jdk.incubator.vector");
            }
            return blas;
        }
    }

    // ------------------------------------------------------------------------------------ OpenBLAS

    static final class OpenBlas extends GemmPeers {
        private final FloatPointer a, b, c;

        OpenBlas(Operands o, int threads) {
            super(o, threads);
            requireDefaultCore();
            Loader.load(openblas.class);
            openblas.blas_set_num_threads(threads);
            if (openblas.blas_get_num_threads() != threads) {
                throw new IllegalStateException("OpenBLAS runs " + openblas.blas_get_num_threads() + " threads, asked for " + threads);
            }
            a = pointer(o.a);
            b = pointer(o.b);
            c = pointer(o.c);
        }

        /** A JavaCPP pointer to the same native memory (no copy): checked by address. */
        private static FloatPointer pointer(MemorySegment s) {
            FloatPointer p = new FloatPointer(s.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer());
            if (p.address() != s.address()) {
                throw new IllegalStateException("JavaCPP copied the operand instead of pointing at it");
            }
            return p;
        }

        @Override
        public void multiply() {
            openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, o.transB ? openblas.CblasTrans : openblas.CblasNoTrans,
                    o.m, o.n, o.k, 1f, a, o.k, b, o.ldb(), 0f, c, o.n);
        }

        @Override
        public String describe() {
            return describeOpenBlas();
        }

        /**
         * This machine's environment sets OPENBLAS_CORETYPE=Haswell, which makes OpenBLAS run its AVX2
         * kernels on an AVX-512 machine: refuse rather than time that (unset it in the benchmark's command).
         */
        static void requireDefaultCore() {
            String core = System.getenv("OPENBLAS_CORETYPE");
            if (core != null && !"true".equals(System.getProperty("peers.allowCoreType"))) {
                throw new IllegalStateException("OPENBLAS_CORETYPE=" + core + " is set: OpenBLAS would run that core's "
                        + "kernels instead of the best for this CPU. Unset it (and OPENBLAS_L2_SIZE) in the benchmark's "
                        + "command, e.g. env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ..., or pass -Dpeers.allowCoreType=true");
            }
        }
    }

    /** OpenBLAS's version, build configuration and the core it chose, read from the library JavaCPP loaded. */
    static String describeOpenBlas() {
        Loader.load(openblas.class);
        String config = callString("openblas_get_config").orElse("OpenBLAS (configuration unknown)");
        String core = callString("openblas_get_corename").orElse("?");
        return "org.bytedeco:openblas " + version(openblas.class) + ": " + config.trim() + ", core " + core;
    }

    private static Optional<String> callString(String function) {
        try {
            Optional<MemorySegment> f = SymbolLookup.loaderLookup().find(function);
            if (f.isEmpty()) {
                return Optional.empty();
            }
            MethodHandle h = Linker.nativeLinker().downcallHandle(f.get(), FunctionDescriptor.of(ValueLayout.ADDRESS));
            MemorySegment s = (MemorySegment) h.invokeExact();
            return Optional.of(s.reinterpret(4096).getString(0));
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    /** The Maven version of a dependency's jar, from its pom.properties; "" when unknown. */
    static String version(Class<?> c) {
        String p = c.getPackageName();
        String[][] coordinates = {
            {"dev.ludovic.netlib", "META-INF/maven/dev.ludovic.netlib/blas/pom.properties"},
            {"org.bytedeco.openblas", "META-INF/maven/org.bytedeco/openblas/pom.properties"},
            {"ai.onnxruntime", "META-INF/maven/com.microsoft.onnxruntime/onnxruntime/pom.properties"},
        };
        for (String[] co : coordinates) {
            if (p.startsWith(co[0])) {
                try (var in = c.getClassLoader().getResourceAsStream(co[1])) {
                    if (in != null) {
                        java.util.Properties props = new java.util.Properties();
                        props.load(in);
                        return props.getProperty("version", "");
                    }
                } catch (IOException e) {
                    return "";
                }
            }
        }
        return Optional.ofNullable(c.getPackage().getImplementationVersion()).orElse("");
    }

    /**
     * Prints (and with {@code --out FILE} writes) a JSON object naming what each implementation runs, for
     * the report: {@code java -cp benchmarks.jar dev.vectorvit.jmh.peers.GemmPeers [--out FILE]}.
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> d = new LinkedHashMap<>();
        try (Operands o = new Operands(8, 8, 8, true)) {
            // OpenBLAS first: load order matters when two BLAS libraries end up in one process.
            for (String impl : List.of("openblas", "vectorvit", "netlib")) {
                try (GemmPeers g = create(impl, o, 1)) {
                    d.put(impl, g.describe());
                } catch (RuntimeException e) {
                    d.put(impl, "unavailable: " + e.getMessage());
                }
            }
        }
        StringBuilder sb = new StringBuilder("{");
        d.forEach((k, v) -> sb.append(sb.length() > 1 ? ",\n " : "\n ").append('"').append(k).append("\": \"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        sb.append("\n}\n");
        System.out.print(sb);
        if (args.length == 2 && args[0].equals("--out")) {
            Files.writeString(Path.of(args[1]), sb);
        }
    }
}
