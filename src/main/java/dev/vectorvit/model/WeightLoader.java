package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.SafeTensors;
import dev.vectorvit.kernels.PackedMatrix;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps a checkpoint's tensors to {@link ViTWeights} by their Hugging Face or timm names, checking every
 * shape against the config before any is used (a mismatch names the tensor and both shapes). Linear
 * weights are packed and the rest copied into {@code arena}, so the file can be closed afterwards.
 */
final class WeightLoader {
    private final SafeTensors st;
    private final ModelSource src;
    private final ViTConfig c;
    private final Arena arena;

    private WeightLoader(SafeTensors st, ModelSource src, Arena arena) {
        this.st = st;
        this.src = src;
        this.c = src.config();
        this.arena = arena;
    }

    static ViTWeights load(SafeTensors st, ModelSource src, Arena arena) throws IOException {
        if (!st.contains(src.layout().marker())) {
            throw new FormatException(src.weightsFile() + ": no tensor '" + src.layout().marker() + "': the weights are not in the "
                    + src.layout() + " layout that " + src.configFile().getFileName() + " describes");
        }
        ViTWeights w = new WeightLoader(st, src, arena).weights();
        // Blocks beyond the config's depth would be ignored silently, and the logits wrong.
        ViTConfig c = src.config();
        String extra = (src.layout() == Layout.HUGGING_FACE ? "vit.encoder.layer." : "blocks.") + c.layers() + ".";
        if (st.names().stream().anyMatch(n -> n.startsWith(extra))) {
            throw new FormatException(src.weightsFile() + ": has tensors '" + extra + "*' but "
                    + src.configFile().getFileName() + " describes " + c.layers() + " layers ("
                    + (src.layout() == Layout.HUGGING_FACE ? "num_hidden_layers" : "depth") + ")");
        }
        return w;
    }

    private ViTWeights weights() throws IOException {
        int d = c.hidden(), t = c.tokens(), p = c.patchSize();
        boolean hf = src.layout() == Layout.HUGGING_FACE;
        String e = hf ? "vit.embeddings." : "";
        // Grown as blocks are found: the config's depth is not trusted to size an array before the
        // weights confirm it (a depth of 2^31 - 1 fails at the first missing block, not with an OutOfMemoryError).
        List<ViTWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(hf ? hfLayer(i) : timmLayer(i));
        }
        return new ViTWeights(
                copy(e + "cls_token", 1, 1, d),
                copy(hf ? e + "position_embeddings" : "pos_embed", 1, t, d),
                linear(hf ? e + "patch_embeddings.projection.weight" : "patch_embed.proj.weight", d, c.channels(), p, p),
                copy(hf ? e + "patch_embeddings.projection.bias" : "patch_embed.proj.bias", d),
                layers.toArray(ViTWeights.Layer[]::new),
                copy(hf ? "vit.layernorm.weight" : "norm.weight", d),
                copy(hf ? "vit.layernorm.bias" : "norm.bias", d),
                linear(hf ? "classifier.weight" : "head.weight", c.classes(), d),
                copy(hf ? "classifier.bias" : "head.bias", c.classes()));
    }

    private ViTWeights.Layer hfLayer(int i) throws IOException {
        String l = "vit.encoder.layer." + i + ".";
        String a = l + "attention.attention.";
        int d = c.hidden(), m = c.mlp();
        return new ViTWeights.Layer(
                copy(l + "layernorm_before.weight", d), copy(l + "layernorm_before.bias", d),
                stackedLinear(d, d, a + "query.weight", a + "key.weight", a + "value.weight"),
                stackedVector(d, a + "query.bias", a + "key.bias", a + "value.bias"),
                linear(l + "attention.output.dense.weight", d, d), copy(l + "attention.output.dense.bias", d),
                copy(l + "layernorm_after.weight", d), copy(l + "layernorm_after.bias", d),
                linear(l + "intermediate.dense.weight", m, d), copy(l + "intermediate.dense.bias", m),
                linear(l + "output.dense.weight", d, m), copy(l + "output.dense.bias", d));
    }

    private ViTWeights.Layer timmLayer(int i) throws IOException {
        String l = "blocks." + i + ".";
        int d = c.hidden(), m = c.mlp();
        return new ViTWeights.Layer(
                copy(l + "norm1.weight", d), copy(l + "norm1.bias", d),
                linear(l + "attn.qkv.weight", 3 * d, d), copy(l + "attn.qkv.bias", 3 * d),
                linear(l + "attn.proj.weight", d, d), copy(l + "attn.proj.bias", d),
                copy(l + "norm2.weight", d), copy(l + "norm2.bias", d),
                linear(l + "mlp.fc1.weight", m, d), copy(l + "mlp.fc1.bias", m),
                linear(l + "mlp.fc2.weight", d, m), copy(l + "mlp.fc2.bias", d));
    }

    /** A tensor of shape {@code expected} copied into the model's memory. */
    private MemorySegment copy(String name, long... expected) throws IOException {
        check(name, expected);
        return st.read(name, data -> {
            MemorySegment out = Memory.floats(arena, data.byteSize() / Float.BYTES);
            out.copyFrom(data);
            return out;
        });
    }

    /** A weight [out, in...] (trailing dimensions flattened into in), packed for the GEMM. */
    private PackedMatrix linear(String name, long... expected) throws IOException {
        check(name, expected);
        int out = (int) expected[0];
        return st.read(name, data -> {
            int in = (int) (data.byteSize() / Float.BYTES / out);
            return PackedMatrix.pack(data, 0, in, out, in, arena);
        });
    }

    /** Weights [rows, cols] stacked into one [names x rows, cols] (Hugging Face's separate q, k and v), packed. */
    private PackedMatrix stackedLinear(int rows, int cols, String... names) throws IOException {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment all = stack(scratch, new long[] {rows, cols}, names);
            return PackedMatrix.pack(all, 0, cols, names.length * rows, cols, arena);
        }
    }

    /** Vectors [rows] stacked into one [names x rows] in the model's memory. */
    private MemorySegment stackedVector(int rows, String... names) throws IOException {
        return stack(arena, new long[] {rows}, names);
    }

    private MemorySegment stack(Arena into, long[] shape, String... names) throws IOException {
        long floats = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        MemorySegment all = Memory.floats(into, floats * names.length);
        for (int i = 0; i < names.length; i++) {
            check(names[i], shape);
            long at = i * floats * Float.BYTES;
            st.read(names[i], data -> all.asSlice(at, floats * Float.BYTES).copyFrom(data));
        }
        return all;
    }

    /** Checks that the tensor exists with shape {@code expected}. */
    private void check(String name, long... expected) throws FormatException {
        if (!st.contains(name)) {
            throw new FormatException(src.weightsFile() + ": missing tensor '" + name + "' (" + src.layout() + " layout)");
        }
        long[] shape = st.shape(name);
        if (!Arrays.equals(shape, expected)) {
            throw new FormatException(src.weightsFile() + ": tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " but " + src.configFile().getFileName() + " implies " + Arrays.toString(expected));
        }
    }
}
