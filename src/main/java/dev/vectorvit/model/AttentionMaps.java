package dev.vectorvit.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * Every layer's attention probabilities for a batch of images, [layers, images, heads, tokens, tokens]
 * (query rows, key columns, as Hugging Face's {@code output_attentions=True} gives them, stacked), and
 * what people draw from them: each layer's map and the attention rollout (Abnar and Zuidema, 2020).
 *
 * <p>Tokens are {@code prefixTokens} leading tokens (the class token, then any distillation or register
 * tokens) followed by the patches, row-major on a {@code gridHeight x gridWidth} grid. A map is one query
 * row laid out on that grid, the prefix tokens' columns dropped. The query is the class token (token 0)
 * when there is one. A model without one ({@code prefixTokens == 0}, such as SigLIP, which pools with an
 * attention head of its own) has no token that speaks for the image: its maps show the mean of all query
 * rows, where attention goes on average (not the pooling head's attention, which is no encoder layer's).
 *
 * <p>Maps are computed in double on the calling thread in a fixed order, so they are bitwise the same
 * whatever produced the (themselves thread-count independent) probabilities.
 */
public final class AttentionMaps {
    private final float[] probabilities;
    private final int layers, images, heads, tokens, prefixTokens, gridHeight, gridWidth;

    /**
     * @param probabilities [layers, images, heads, tokens, tokens], kept (not copied)
     * @throws IllegalArgumentException if the sizes do not agree
     */
    public AttentionMaps(float[] probabilities, int layers, int images, int heads, int prefixTokens,
                         int gridHeight, int gridWidth) {
        if (layers < 1 || images < 1 || heads < 1 || prefixTokens < 0 || gridHeight < 1 || gridWidth < 1) {
            throw new IllegalArgumentException("layers, images, heads and grid sides must be >= 1 and prefix tokens >= 0");
        }
        long t = prefixTokens + (long) gridHeight * gridWidth;
        long count = layers * (long) images * heads * t * t;
        if (probabilities.length != count) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + layers + " layers x "
                    + images + " images x " + heads + " heads x " + t + " x " + t + " tokens");
        }
        this.probabilities = probabilities;
        this.layers = layers;
        this.images = images;
        this.heads = heads;
        this.tokens = (int) t;
        this.prefixTokens = prefixTokens;
        this.gridHeight = gridHeight;
        this.gridWidth = gridWidth;
    }

    /** {layers, images, heads, tokens, tokens}. */
    public long[] shape() {
        return new long[] {layers, images, heads, tokens, tokens};
    }

    public int layers() {
        return layers;
    }

    public int images() {
        return images;
    }

    public int gridHeight() {
        return gridHeight;
    }

    public int gridWidth() {
        return gridWidth;
    }

    /** A copy of the probabilities, [layers, images, heads, tokens, tokens]. */
    public float[] probabilities() {
        return probabilities.clone();
    }

    /** How much {@code query} attends to {@code key} in {@code head} of {@code layer}, for one image. */
    public float probability(int layer, int image, int head, int query, int key) {
        return probabilities[index(layer, image, head) + Objects.checkIndex(query, tokens) * tokens
                + Objects.checkIndex(key, tokens)];
    }

    /**
     * The attention rollout, [images, gridHeight, gridWidth]: with A_l layer l's attention averaged over
     * heads and B_l = (A_l + I) / 2 (the residual connection), the query row (class docs) of
     * R = B_L ... B_2 B_1 without the prefix tokens' columns. Entries are >= 0 and sum to at most 1 (what
     * the prefix tokens keep is the rest); attention that is the identity everywhere gives all zeros
     * (with a class token).
     */
    public float[] rollout() {
        float[] out = new float[images * gridHeight * gridWidth];
        for (int i = 0; i < images; i++) {
            double[] v = query();
            // The query row of B_L ... B_1 is e^T B_L, then times B_{L-1}, down to B_1.
            for (int l = layers - 1; l >= 0; l--) {
                v = times(v, l, i, true);
            }
            toGrid(v, out, i);
        }
        return out;
    }

    /** Layer {@code layer}'s map, [images, gridHeight, gridWidth]: the query row of A_l without the prefix columns. */
    public float[] layerMap(int layer) {
        Objects.checkIndex(layer, layers);
        float[] out = new float[images * gridHeight * gridWidth];
        for (int i = 0; i < images; i++) {
            toGrid(times(query(), layer, i, false), out, i);
        }
        return out;
    }

    /** The class token's one-hot row, or the mean of all rows without one. */
    private double[] query() {
        double[] v = new double[tokens];
        if (prefixTokens > 0) {
            v[0] = 1;
        } else {
            Arrays.fill(v, 1.0 / tokens);
        }
        return v;
    }

    /** v A_l, or v B_l = (v A_l + v) / 2 with {@code residual}, A_l the head mean, for one image. */
    private double[] times(double[] v, int layer, int image, boolean residual) {
        double[] out = new double[tokens];
        for (int h = 0; h < heads; h++) {
            int base = index(layer, image, h);
            for (int q = 0; q < tokens; q++) {
                double vq = v[q];
                int row = base + q * tokens;
                for (int k = 0; k < tokens; k++) {
                    out[k] += vq * probabilities[row + k];
                }
            }
        }
        for (int k = 0; k < tokens; k++) {
            out[k] /= heads;
            if (residual) {
                out[k] = (out[k] + v[k]) / 2;
            }
        }
        return out;
    }

    private void toGrid(double[] v, float[] out, int image) {
        int cells = gridHeight * gridWidth;
        for (int p = 0; p < cells; p++) {
            out[image * cells + p] = (float) v[prefixTokens + p];
        }
    }

    private int index(int layer, int image, int head) {
        Objects.checkIndex(layer, layers);
        Objects.checkIndex(image, images);
        Objects.checkIndex(head, heads);
        return ((layer * images + image) * heads + head) * tokens * tokens;
    }
}
