package dev.vectorvit.kernels;

import dev.vectorvit.tensor.Checks;
import java.lang.foreign.MemorySegment;

/**
 * Bicubic resizing of a grid of position embeddings, as Hugging Face's {@code interpolate_pos_encoding}
 * does it for a ViT, DeiT, DINOv2, CLIP or SigLIP run at another resolution than it was trained at:
 * {@code F.interpolate(grid, size=(oh, ow), mode="bicubic", align_corners=False)}, no antialiasing
 * (all four models pass {@code size} and none sets {@code antialias}; DINOv2 interpolates in float32;
 * DINOv2 with registers sets it: {@link AntialiasedGrid}).
 *
 * <p>PyTorch's bicubic: Keys' cubic convolution with A = -0.75, separable; output index i reads source
 * position {@code (i + 0.5) * in / out - 0.5}, its four neighbors clamped to the border. The source
 * position and the four weights are computed in float32 exactly as PyTorch does for a float32 tensor
 * (they decide which value the result is near); the 16 products are summed in double and rounded once.
 * So the result lies within PyTorch's own float32 summation error of PyTorch's: |difference| below
 * 1e-6 max |grid| (checked against PyTorch's output). The same size gives an exact copy.
 *
 * <p>Runs once per resolution, not per image: written for clarity, no allocation.
 */
public final class PositionGrid {
    private static final float A = -0.75f;

    private PositionGrid() {}

    /**
     * out[oh][ow][d] from in[gh][gw][d], both row-major with {@code d} channels per position (a token's
     * embedding), offsets in floats. {@code out} must not overlap {@code in}.
     */
    public static void interpolate(MemorySegment in, long inOff, int gh, int gw, int d,
                                   MemorySegment out, long outOff, int oh, int ow) {
        check(in, inOff, gh, gw, d, out, outOff, oh, ow);
        long inRow = (long) gw * d;
        long outRow = (long) ow * d;
        float scaleY = (float) gh / oh;
        float scaleX = (float) gw / ow;
        for (int oy = 0; oy < oh; oy++) {
            float sy = source(scaleY, oy);
            int y0 = (int) Math.floor(sy);
            float ty = sy - y0;
            for (int ox = 0; ox < ow; ox++) {
                float sx = source(scaleX, ox);
                int x0 = (int) Math.floor(sx);
                float tx = sx - x0;
                long o = outOff + oy * outRow + (long) ox * d;
                for (int c = 0; c < d; c++) {
                    double sum = 0;
                    for (int j = 0; j < 4; j++) {
                        long row = inOff + clamp(y0 - 1 + j, gh) * inRow + c;
                        double across = 0;
                        for (int i = 0; i < 4; i++) {
                            across += weight(i, tx) * ScalarKernels.get(in, row + (long) clamp(x0 - 1 + i, gw) * d);
                        }
                        sum += weight(j, ty) * across;
                    }
                    ScalarKernels.set(out, o + c, (float) sum);
                }
            }
        }
    }

    /** The arguments of a resize of in[gh][gw][d] to out[oh][ow][d]: positive sizes, segments that hold them, apart. */
    static void check(MemorySegment in, long inOff, int gh, int gw, int d, MemorySegment out, long outOff, int oh,
                      int ow) {
        Checks.positive("grid height", gh);
        Checks.positive("grid width", gw);
        Checks.positive("channels", d);
        Checks.positive("output height", oh);
        Checks.positive("output width", ow);
        long inRow = (long) gw * d;
        long outRow = (long) ow * d;
        Checks.matrix("in", in, inOff, gh, inRow, inRow);
        Checks.matrix("out", out, outOff, oh, outRow, outRow);
        Checks.noOverlap("out", out, outOff, oh * outRow, "in", in, inOff, gh * inRow);
    }

    /** PyTorch's area_pixel_compute_source_index for cubic, in float32: (i + 0.5) scale - 0.5, not clamped. */
    private static float source(float scale, int i) {
        return scale * (i + 0.5f) - 0.5f;
    }

    private static int clamp(int index, int size) {
        return Math.max(0, Math.min(index, size - 1));
    }

    /**
     * The weight of neighbor k (0..3, at offsets -1, 0, 1, 2) at fraction t in [0, 1), in float32 as
     * PyTorch's get_cubic_upsample_coefficients computes it.
     */
    private static double weight(int k, float t) {
        return switch (k) {
            case 0 -> far(t + 1f);
            case 1 -> near(t);
            case 2 -> near(1f - t);
            default -> far((1f - t) + 1f);
        };
    }

    /** Keys' kernel for |x| <= 1. */
    private static float near(float x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    /** Keys' kernel for 1 < |x| < 2. */
    private static float far(float x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
