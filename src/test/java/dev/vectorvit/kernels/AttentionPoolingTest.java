package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vectorvit.io.Npy;
import dev.vectorvit.io.NpyArray;
import dev.vectorvit.io.SafeTensors;
import dev.vectorvit.io.TestResources;
import dev.vectorvit.model.Fixtures;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AttentionPooling} against two outside references, each in float64 from float32 inputs:
 * transformers' own {@code SiglipVisionModel} head on its {@code last_hidden_state} (the siglip-vision
 * fixture), and the head written with PyTorch's {@code nn.MultiheadAttention}, {@code LayerNorm} and
 * {@code Linear} ({@code src/test/resources/attention-pooling/make.py}, PyTorch 1.13); and its bits, the
 * same for an image alone or in a batch, on 1 or 3 threads.
 */
class AttentionPoolingTest {
    /**
     * Measured: 2.5e-6 on make.py's case (outputs up to 7, about 5 float ulps), under 1e-6 on the SigLIP
     * fixture (up to 3.1); the golden tolerance is 1e-4. AttentionPoolingProperties bounds the
     * error element by element.
     */
    private static final double BOUND = 5e-6;
    /** make.py's sizes. */
    private static final Dims TORCH = new Dims(32, 4, 80);
    private static final int TORCH_TOKENS = 7;

    /** A head's hidden size, heads and MLP width. */
    private record Dims(int d, int heads, int i) {}

    /** The SigLIP fixture's config: 3 heads, layer_norm_eps 1e-6, hidden_act gelu_pytorch_tanh. */
    @Test
    void matchesTransformersOnTheSiglipFixture() throws IOException {
        String dir = "fixtures/variants/siglip-vision/";
        assertMatches(dir + "model/model.safetensors", new Dims(48, 3, 96), dir + "last_hidden_state.npy",
                dir + "pooler_output.npy");
    }

    /** make.py's head: 4 heads, eps 1e-6, D 32, I 80, 3 images of 7 tokens. */
    @Test
    void matchesPyTorchMultiheadAttention() throws IOException {
        String dir = "attention-pooling/";
        assertMatches(dir + "weights.safetensors", TORCH, dir + "x.npy", dir + "pooler_output.npy");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void anImageAloneHasTheBitsItHasInABatchOfThree(int threads) throws IOException {
        try (Arena arena = Arena.ofShared(); SafeTensors st = SafeTensors.open(TestResources.path("attention-pooling/weights.safetensors"));
             ThreadTeam team = ThreadTeam.of(threads); ThreadTeam single = ThreadTeam.of(1)) {
            AttentionPooling head = load(st, TORCH, arena);
            MemorySegment x = Npy.read(TestResources.path("attention-pooling/x.npy")).float32(arena);
            int t = TORCH_TOKENS, d = TORCH.d();
            float[] batch = run(head, TORCH, new Gemm(single), 3, t, x, 0, arena);
            for (int b = 0; b < 3; b++) {
                float[] alone = run(head, TORCH, new Gemm(team), 1, t, x, (long) b * t * d, arena);
                float[] inBatch = Arrays.copyOfRange(batch, b * d, (b + 1) * d);
                Fixtures.assertBitwiseEquals(inBatch, alone, "image " + b + " alone on " + threads + " threads");
            }
            float[] batchOnTeam = run(head, TORCH, new Gemm(team), 3, t, x, 0, arena);
            Fixtures.assertBitwiseEquals(batch, batchOnTeam, "batch of 3 on " + threads + " threads");
        }
    }

    @Test
    void rejectsAWorkspaceTooSmall() throws IOException {
        try (Arena arena = Arena.ofShared(); SafeTensors st = SafeTensors.open(TestResources.path("attention-pooling/weights.safetensors"));
             ThreadTeam team = ThreadTeam.of(1)) {
            AttentionPooling head = load(st, TORCH, arena);
            int t = TORCH_TOKENS, d = TORCH.d();
            MemorySegment x = Memory.floats(arena, (long) t * d);
            MemorySegment small = Memory.floats(arena, AttentionPooling.workspaceFloats(1, t, d, TORCH.heads(), TORCH.i()) - 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> head.on(new Gemm(team)).apply(1, t, x, 0, d, small, Memory.floats(arena, d), 0));
            assertTrue(e.getMessage().startsWith("workspace"), e.getMessage());
        }
    }

    private static void assertMatches(String weights, Dims dims, String tokens, String expected) throws IOException {
        try (Arena arena = Arena.ofShared(); SafeTensors st = SafeTensors.open(TestResources.path(weights));
             ThreadTeam team = ThreadTeam.of(2)) {
            AttentionPooling head = load(st, dims, arena);
            NpyArray x = Npy.read(TestResources.path(tokens));
            long[] shape = x.shape();
            int batch = (int) shape[0], t = (int) shape[1];
            double[] want = Npy.read(TestResources.path(expected)).toDoubles();
            float[] got = run(head, dims, new Gemm(team), batch, t, Memory.copyOf(arena, toFloats(x.toDoubles())), 0, arena);
            double[] gotWide = new double[got.length];
            for (int i = 0; i < got.length; i++) {
                gotWide[i] = got[i];
            }
            assertArrayEquals(want, gotWide, BOUND, weights);
        }
    }

    /** The head of a checkpoint whose tensors are named as in a SiglipVisionModel folder (head.*). */
    private static AttentionPooling load(SafeTensors st, Dims dims, Arena arena) throws IOException {
        AttentionPooling.Tensors t = new AttentionPooling.Tensors(st.floats("head.probe"),
                st.floats("head.attention.in_proj_weight"), st.floats("head.attention.in_proj_bias"),
                st.floats("head.attention.out_proj.weight"), st.floats("head.attention.out_proj.bias"),
                st.floats("head.layernorm.weight"), st.floats("head.layernorm.bias"),
                st.floats("head.mlp.fc1.weight"), st.floats("head.mlp.fc1.bias"),
                st.floats("head.mlp.fc2.weight"), st.floats("head.mlp.fc2.bias"));
        return AttentionPooling.pack(t, dims.heads(), 1e-6f, Activation.GELU_TANH, arena);
    }

    /** pooler_output of {@code batch} images of t rows of D floats from float {@code xOff} of x, on the heap. */
    private static float[] run(AttentionPooling head, Dims dims, Gemm gemm, int batch, int t, MemorySegment x, long xOff,
                               Arena arena) {
        int d = dims.d();
        MemorySegment ws = Memory.floats(arena, AttentionPooling.workspaceFloats(batch, t, d, dims.heads(), dims.i()));
        MemorySegment out = Memory.floats(arena, (long) batch * d);
        head.on(gemm).apply(batch, t, x, xOff, d, ws, out, 0);
        return Memory.toArray(out, 0, batch * d);
    }

    private static float[] toFloats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}
