package dev.vectorvit.model;

/** Operations on rows of embeddings. */
public final class Embeddings {
    private Embeddings() {}

    /** Scales each row of {@code width} floats to unit L2 norm (sums in double); an all-zero row stays zero. */
    public static void normalize(float[] rows, int width) {
        for (int r = 0; r < rows.length; r += width) {
            double sum = 0;
            for (int i = r; i < r + width; i++) {
                sum += (double) rows[i] * rows[i];
            }
            if (sum > 0) {
                double scale = 1 / Math.sqrt(sum);
                for (int i = r; i < r + width; i++) {
                    rows[i] = (float) (rows[i] * scale);
                }
            }
        }
    }
}
