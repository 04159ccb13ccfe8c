package dev.vectorvit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SafeTensors#read}: also run by the surefire execution "scalar-fallback", whose JVM has no native access
 * (converted tensors then go into memory of each call's own instead of a view of a kept buffer).
 */
final class SafeTensorsReadTest {
    @TempDir
    Path dir;

    /**
     * read() gives the same floats as floats(): F32 in place, a view of the file's mapping that lives until
     * close (its pages are released after the call), F16 and BF16 converted into 64-byte aligned memory that the
     * reader sees only during the call (a buffer the file keeps for later reads: a smaller tensor after a larger one
     * gets its own size).
     */
    @Test
    void readHandsEachTensorOverAsFloats() throws IOException {
        float[] values = {0f, -0f, 1f, -2.5f, 0.375f, 96f, Float.NEGATIVE_INFINITY, -0.0078125f};
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w32", new Tensor("F32", new long[] {2, 4}, values));
        tensors.put("w16", new Tensor("F16", new long[] {8}, values));
        tensors.put("wbf", new Tensor("BF16", new long[] {4, 2}, values));
        tensors.put("small", new Tensor("BF16", new long[] {3}, Arrays.copyOf(values, 3)));
        Path file = dir.resolve("read.safetensors");
        SafeTensorsWriter.write(file, tensors);
        MemorySegment inPlace = null;
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String name : tensors.keySet()) {
                MemorySegment[] seen = new MemorySegment[1];
                float[] got = st.read(name, data -> {
                    seen[0] = data;
                    assertTrue(data.isReadOnly(), name);
                    assertTrue(name.equals("w32") || data.address() % Memory.ALIGNMENT == 0, name);
                    return Memory.toArray(data, 0, (int) (data.byteSize() / Float.BYTES));
                });
                float[] expected = tensors.get(name).values();
                assertArrayEquals(expected, got, name);
                assertArrayEquals(Memory.toArray(st.floats(name), 0, expected.length), got, name);
                if (name.equals("w32")) {
                    inPlace = seen[0];
                    assertTrue(inPlace.scope().isAlive(), "w32: the mapping, open until close");
                } else {
                    assertFalse(seen[0].scope().isAlive(), name + ": the converted copy, closed once the reader returns");
                }
            }
        }
        assertFalse(inPlace.scope().isAlive(), "w32: unmapped by close");
    }

    /** Two threads inside read() at once, each converting a different tensor: neither sees the other's floats. */
    @Test
    void concurrentReadsConvertIntoTheirOwnMemory() throws Exception {
        float[] a = new float[1000], b = new float[1000];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 200; // integers up to 256 are exact in BF16 and F16
            b[i] = -(i % 200) - 1;
        }
        Path file = dir.resolve("two.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", new Tensor("BF16", new long[] {a.length}, a),
                "b", new Tensor("F16", new long[] {b.length}, b)));
        CyclicBarrier bothConverted = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (SafeTensors st = SafeTensors.open(file)) {
            List<Future<float[]>> reads = List.of("a", "b").stream().map(name -> pool.submit(() -> st.read(name, data -> {
                try {
                    bothConverted.await(); // the other thread has converted its tensor too, and holds its memory
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return Memory.toArray(data, 0, (int) (data.byteSize() / Float.BYTES));
            }))).toList();
            assertArrayEquals(a, reads.get(0).get());
            assertArrayEquals(b, reads.get(1).get());
        } finally {
            pool.shutdownNow();
        }
    }
}
