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
        // Unrolled with constant origins: slice(origin) compiles to a permute only when origin is a
        // constant; in a loop it ran as Java code and allocated (40% of a forward pass's garbage).
        if (N >= 64) {
            v = v.add(v.slice(32));
        }
        if (N >= 32) {
            v = v.add(v.slice(16));
        }
        if (N >= 16) {
            v = v.add(v.slice(8));
        }
        if (N >= 8) {
            v = v.add(v.slice(4));
        }
        if (N >= 4) {
            v = v.add(v.slice(2));
        }
        if (N >= 2) {
            v = v.add(v.slice(1));
        }
        return v.lane(0);
    }

    static String describe() {
        return F.vectorBitSize() + "-bit (" + N + " floats)";
    }
}
