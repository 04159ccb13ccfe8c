package dev.vectorvit.jmh.report;

import dev.vectorvit.jmh.GemmBench;
import java.util.List;

/** GEMM shapes (M x K x N) of the benchmarks: their place in ViT-B/16 and their GFLOPS. */
final class GemmShapes {
    /** GemmBench's order of shapes. */
    static final List<String> ORDER = List.of("197x768x768", "197x768x2304", "197x768x3072", "197x3072x768",
            "1024x1024x1024", "197x64x197", "197x197x64");

    private GemmShapes() {}

    /** What a shape is in a ViT-B/16 forward pass. */
    static String role(String shape) {
        return switch (shape) {
            case "197x768x768" -> "attention output projection";
            case "197x768x2304" -> "QKV projection";
            case "197x768x3072" -> "MLP fc1";
            case "197x3072x768" -> "MLP fc2";
            case "197x64x197" -> "Q K^T, one head";
            case "197x197x64" -> "scores x V, one head";
            case "1024x1024x1024" -> "square reference";
            default -> "";
        };
    }

    /** The chart label: "QKV 197x768x2304". */
    static String label(String shape) {
        String role = switch (shape) {
            case "197x768x768" -> "proj";
            case "197x768x2304" -> "QKV";
            case "197x768x3072" -> "fc1";
            case "197x3072x768" -> "fc2";
            case "197x64x197" -> "QK^T";
            case "197x197x64" -> "PV";
            default -> "";
        };
        return (role + " " + shape).trim();
    }

    /** 2 M N K / time. */
    static double gflops(String shape, JmhResult r) {
        int[] s = GemmBench.parseShape(shape);
        return 2.0 * s[0] * s[1] * s[2] / r.seconds() / 1e9;
    }

    /** GFLOPS of a result with a shape parameter. */
    static double gflops(JmhResult r) {
        return gflops(r.param("shape"), r);
    }

    static double gflopsError(JmhResult r) {
        return r.relativeError(gflops(r));
    }
}
