package dev.vectorvit.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Antialiased bicubic resizing of a grid of position embeddings: PyTorch's
 * {@code F.interpolate(grid, size=(oh, ow), mode="bicubic", align_corners=False, antialias=True)}, which
 * Hugging Face's DINOv2 with registers uses (plain DINOv2, ViT, DeiT, CLIP and SigLIP do not: see
 * {@link PositionGrid}).
 *
 * <p>PyTorch's antialiased kernel differs from the plain one in three ways: Keys' cubic with A = -0.5 (as
 * Pillow), a support widened by the scale when shrinking (every source position under the output's
 * footprint contributes), and weights normalized to sum 1. Output index i is centered at source position
 * {@code (i + 0.5) in / out}; it reads sources {@code [trunc(center - support + 0.5), trunc(center + support
 * + 0.5))} clipped to the grid, each weighted by the kernel at {@code (j - center + 0.5) / max(scale, 1)}.
 * Separable: weights in double, the products summed in double and rounded once.
 */
public final class AntialiasedGrid {
    private static final double A = -0.5;

    private AntialiasedGrid() {}

    /** As {@link PositionGrid#interpolate}, antialiased. */
    public static void interpolate(MemorySegment in, long inOff, int gh, int gw, int d,
                                   MemorySegment out, long outOff, int oh, int ow) {
        PositionGrid.check(in, inOff, gh, gw, d, out, outOff, oh, ow);
        long inRow = (long) gw * d;
        long outRow = (long) ow * d;
        for (int oy = 0; oy < oh; oy++) {
            Taps ty = new Taps(gh, oh, oy);
            for (int ox = 0; ox < ow; ox++) {
                Taps tx = new Taps(gw, ow, ox);
                long o = outOff + oy * outRow + (long) ox * d;
                for (int c = 0; c < d; c++) {
                    double sum = 0;
                    for (int j = 0; j < ty.weights.length; j++) {
                        long row = inOff + (ty.first + j) * inRow + c;
                        double across = 0;
                        for (int i = 0; i < tx.weights.length; i++) {
                            across += tx.weights[i] * ScalarKernels.get(in, row + (long) (tx.first + i) * d);
                        }
                        sum += ty.weights[j] * across;
                    }
                    ScalarKernels.set(out, o + c, (float) sum);
                }
            }
        }
    }

    /** The source positions output index {@code i} reads along an axis of {@code in} to {@code out}, and their weights. */
    private static final class Taps {
        final int first;
        final double[] weights;

        Taps(int in, int out, int i) {
            double scale = (double) in / out;
            double support = 2 * Math.max(scale, 1), invScale = 1 / Math.max(scale, 1);
            double center = scale * (i + 0.5);
            first = Math.max((int) (center - support + 0.5), 0);
            int end = Math.min((int) (center + support + 0.5), in);
            weights = new double[end - first];
            double total = 0;
            for (int j = 0; j < weights.length; j++) {
                weights[j] = cubic((j + first - center + 0.5) * invScale);
                total += weights[j];
            }
            for (int j = 0; j < weights.length; j++) {
                weights[j] = total == 0 ? 0 : weights[j] / total;
            }
        }
    }

    /** Keys' cubic convolution kernel with A = -0.5. */
    private static double cubic(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        return x < 2 ? (((x - 5) * x + 8) * x - 4) * A : 0;
    }
}
