package dev.vectorvit.model;

import java.io.IOException;

/**
 * The names of an encoder block's tensors in a Hugging Face layout, each a module whose ".weight" and
 * ".bias" are read (q, k and v are separate there, and stacked at load).
 */
record LayerNames(String norm1, String query, String key, String value, String projection, String norm2, String fc1,
                  String fc2) {
    /** ViT's and DeiT's. */
    static final LayerNames VIT = new LayerNames("layernorm_before", "attention.attention.query",
            "attention.attention.key", "attention.attention.value", "attention.output.dense", "layernorm_after",
            "intermediate.dense", "output.dense");
    /** CLIP's and SigLIP's. */
    static final LayerNames CLIP = new LayerNames("layer_norm1", "self_attn.q_proj", "self_attn.k_proj",
            "self_attn.v_proj", "self_attn.out_proj", "layer_norm2", "mlp.fc1", "mlp.fc2");

    /** The block whose tensor names start with {@code l}. */
    ViTWeights.Layer read(WeightLoader w, ViTConfig c, String l) throws IOException {
        int d = c.hidden(), m = c.mlp();
        return new ViTWeights.Layer(
                w.copy(l + norm1 + ".weight", d), w.copy(l + norm1 + ".bias", d),
                w.stackedLinear(d, d, l + query + ".weight", l + key + ".weight", l + value + ".weight"),
                w.stacked(new long[] {d}, l + query + ".bias", l + key + ".bias", l + value + ".bias"),
                w.linear(l + projection + ".weight", d, d), w.copy(l + projection + ".bias", d),
                w.copy(l + norm2 + ".weight", d), w.copy(l + norm2 + ".bias", d),
                w.linear(l + fc1 + ".weight", m, d), w.copy(l + fc1 + ".bias", m),
                w.linear(l + fc2 + ".weight", d, m), w.copy(l + fc2 + ".bias", d));
    }
}
