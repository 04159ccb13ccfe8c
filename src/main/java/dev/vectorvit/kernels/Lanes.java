package dev.vectorvit.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species every vector kernel uses: the machine's preferred width unless
 * {@code -Dvectorvit.vectorBits=128|256|512} asks for another (to compare widths on one machine).
 * A static final species lets C2 fold the lane count into constants.
 */
final class Lanes {
    static final VectorSpecies<Float> F = choose(System.getProperty("vectorvit.vectorBits"));
    static final int N = F.length();

    private Lanes() {}

    private static VectorSpecies<Float> choose(String bits) {
        if (bits == null || bits.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        int wanted = Integer.parseInt(bits.trim());
        int max = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (wanted > max || Integer.bitCount(wanted) != 1 || wanted < 64) {
            throw new IllegalArgumentException("vectorvit.vectorBits=" + wanted
                    + " is not a vector width this machine supports (max " + max + ")");
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(wanted));
    }

    /**
     * The sum of {@code v}'s lanes in one fixed order (upper half onto lower half, repeatedly), so that
     * it is the same bits however the JIT compiles the caller. {@code reduceLanes(ADD)} leaves the order
     * to the implementation, and the interpreter's and C2's orders differ: a forward pass changed its
     * logits in the last bits once LayerNorm and softmax were compiled.
     */
    static float sum(FloatVector v) {
        for (int half = v.length() / 2; half > 0; half >>= 1) {
            v = v.add(v.slice(half));
        }
        return v.lane(0);
    }

    static String describe() {
        return F.vectorBitSize() + "-bit (" + N + " floats)";
    }
}
