package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.SafeTensors;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps a checkpoint's tensors to {@link ViTWeights} by their Hugging Face or timm names, checking every
 * shape against the config before any is used (a mismatch names the tensor and both shapes).
 */
final class WeightLoader {
    private final SafeTensors st;
    private final ModelSource src;
    private final ViTConfig c;

    private WeightLoader(SafeTensors st, ModelSource src) {
        this.st = st;
        this.src = src;
        this.c = src.config();
    }

    static ViTWeights load(SafeTensors st, ModelSource src) throws FormatException {
        if (!st.contains(src.layout().marker())) {
            throw new FormatException(src.weightsFile() + ": no tensor '" + src.layout().marker() + "': the weights are not in the "
                    + src.layout() + " layout that " + src.configFile().getFileName() + " describes");
        }
        ViTWeights w = new WeightLoader(st, src).weights();
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

    private ViTWeights weights() throws FormatException {
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
                get(e + "cls_token", 1, 1, d),
                get(hf ? e + "position_embeddings" : "pos_embed", 1, t, d),
                get(hf ? e + "patch_embeddings.projection.weight" : "patch_embed.proj.weight", d, c.channels(), p, p),
                get(hf ? e + "patch_embeddings.projection.bias" : "patch_embed.proj.bias", d),
                layers.toArray(ViTWeights.Layer[]::new),
                get(hf ? "vit.layernorm.weight" : "norm.weight", d),
                get(hf ? "vit.layernorm.bias" : "norm.bias", d),
                get(hf ? "classifier.weight" : "head.weight", c.classes(), d),
                get(hf ? "classifier.bias" : "head.bias", c.classes()));
    }

    private ViTWeights.Layer hfLayer(int i) throws FormatException {
        String l = "vit.encoder.layer." + i + ".";
        String a = l + "attention.attention.";
        int d = c.hidden(), m = c.mlp();
        return new ViTWeights.Layer(
                get(l + "layernorm_before.weight", d), get(l + "layernorm_before.bias", d),
                new MemorySegment[] {get(a + "query.weight", d, d), get(a + "key.weight", d, d), get(a + "value.weight", d, d)},
                new MemorySegment[] {get(a + "query.bias", d), get(a + "key.bias", d), get(a + "value.bias", d)},
                get(l + "attention.output.dense.weight", d, d), get(l + "attention.output.dense.bias", d),
                get(l + "layernorm_after.weight", d), get(l + "layernorm_after.bias", d),
                get(l + "intermediate.dense.weight", m, d), get(l + "intermediate.dense.bias", m),
                get(l + "output.dense.weight", d, m), get(l + "output.dense.bias", d));
    }

    private ViTWeights.Layer timmLayer(int i) throws FormatException {
        String l = "blocks." + i + ".";
        int d = c.hidden(), m = c.mlp();
        return new ViTWeights.Layer(
                get(l + "norm1.weight", d), get(l + "norm1.bias", d),
                new MemorySegment[] {get(l + "attn.qkv.weight", 3 * d, d)}, new MemorySegment[] {get(l + "attn.qkv.bias", 3 * d)},
                get(l + "attn.proj.weight", d, d), get(l + "attn.proj.bias", d),
                get(l + "norm2.weight", d), get(l + "norm2.bias", d),
                get(l + "mlp.fc1.weight", m, d), get(l + "mlp.fc1.bias", m),
                get(l + "mlp.fc2.weight", d, m), get(l + "mlp.fc2.bias", d));
    }

    /** The tensor's float32 data, after checking that its shape is {@code expected}. */
    private MemorySegment get(String name, long... expected) throws FormatException {
        if (!st.contains(name)) {
            throw new FormatException(src.weightsFile() + ": missing tensor '" + name + "' (" + src.layout() + " layout)");
        }
        long[] shape = st.shape(name);
        if (!Arrays.equals(shape, expected)) {
            throw new FormatException(src.weightsFile() + ": tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " but " + src.configFile().getFileName() + " implies " + Arrays.toString(expected));
        }
        return st.floats(name);
    }
}
