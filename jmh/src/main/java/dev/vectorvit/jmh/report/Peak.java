package dev.vectorvit.jmh.report;

/**
 * The FP32 FMA peak of one core, GFLOPS, that GEMM percentages are taken against, and where it comes from:
 * given on the command line (a figure measured elsewhere), or measured by {@link FmaPeak}.
 */
record Peak(double perCore, String source) {

    static Peak given(double perCore, String source) {
        return new Peak(perCore, source != null ? source : "given with --peak");
    }
}
