package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.Json;
import dev.vectorvit.kernels.AttentionPooling;
import dev.vectorvit.tensor.Memory;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Set;

/**
 * Hugging Face SigLIP's image tower, from a full {@code SiglipModel} download (model_type "siglip": both
 * towers in one file, the vision settings under {@code vision_config}; the text tower is not read) or from
 * {@code SiglipVisionModel} (model_type "siglip_vision_model"). No class token (positions for the patches
 * only), a patch embedding with bias, gelu in its tanh form, {@code post_layernorm} on every token (so in
 * {@code last_hidden_state}) and the attention-pooling {@code head} ({@code pooler_output}), absent when
 * {@code vision_use_head} is false: then, as in transformers, there is no pooled output, only the tokens.
 */
final class Siglip implements TowerFormat {
    private static final String FULL = "SiglipModel";
    private static final String VISION = "SiglipVisionModel";
    private static final String PREFIXED = "vision_model.";
    private static final String PATCH = "embeddings.patch_embedding.weight";
    /** transformers' SiglipVisionConfig defaults (google/siglip-base-patch16-224). */
    private static final Map<String, Object> DEFAULTS = Map.of("hidden_size", 768L, "intermediate_size", 3072L,
            "num_hidden_layers", 12L, "num_attention_heads", 12L, "image_size", 224L, "patch_size", 16L,
            "hidden_act", "gelu_pytorch_tanh", "layer_norm_eps", 1e-6);

    /**
     * Where the tower's tensor names start: "vision_model." in a SiglipModel and in a SiglipVisionModel as
     * transformers 4 saves it, nothing in one that transformers 5 saves.
     */
    private final String model;

    Siglip() {
        this(PREFIXED);
    }

    private Siglip(String model) {
        this.model = model;
    }

    @Override
    public String name() {
        return "Hugging Face SigLIP";
    }

    @Override
    public String describes() {
        return "model_type 'siglip' (" + FULL + "), 'siglip_vision_model' (" + VISION + ")";
    }

    @Override
    public boolean reads(Map<String, Object> config) {
        Object type = config.get("model_type");
        return "siglip".equals(type) || "siglip_vision_model".equals(type);
    }

    @Override
    public ViTConfig config(Map<String, Object> config, String src) throws FormatException {
        boolean full = "siglip".equals(config.get("model_type"));
        String arch = Formats.architecture(config, src), expected = full ? FULL : VISION;
        if (arch != null && !arch.equals(expected)) {
            throw new FormatException(src + ": architecture '" + arch + "' is not supported for model_type '"
                    + config.get("model_type") + "' (supported: " + expected + ")");
        }
        Map<String, Object> vision = ConfigValues.visionConfig(config, full, DEFAULTS, src);
        boolean head = !vision.containsKey("vision_use_head")
                || Json.bool(vision.get("vision_use_head"), "vision_use_head", src);
        return ConfigValues.huggingFace(vision, src, 0, Classifier.NONE,
                new Tower(head ? Tower.Kind.SIGLIP : Tower.Kind.SIGLIP_WITHOUT_HEAD, 0));
    }

    /** Unprefixed names when the patch embedding is there without the prefix. */
    @Override
    public CheckpointFormat forTensors(Set<String> names) {
        return !names.contains(PREFIXED + PATCH) && names.contains(PATCH) ? new Siglip("") : this;
    }

    @Override
    public String marker() {
        return model + PATCH;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public ViTWeights weights(WeightLoader w, ViTConfig c, ViTWeights.Layer[] layers) throws IOException {
        int d = c.hidden(), p = c.patchSize();
        String e = model + "embeddings.";
        AttentionPooling pooling = c.tower().kind() == Tower.Kind.SIGLIP ? head(w, c) : null;
        return new ViTWeights(MemorySegment.NULL, w.positionTable(e + "position_embedding.weight"),
                w.linear(model + PATCH, d, c.channels(), p, p),
                w.copy(e + "patch_embedding.bias", d), layers,
                w.copy(model + "post_layernorm.weight", d), w.copy(model + "post_layernorm.bias", d),
                new ViTWeights.Linear[0], new TowerWeights(null, null, null, pooling));
    }

    /** The attention-pooling head, read into scratch memory and packed by the kernel into the model's. */
    private AttentionPooling head(WeightLoader w, ViTConfig c) throws IOException {
        String h = model + "head.", a = h + "attention.";
        int d = c.hidden(), m = c.mlp();
        try (Arena scratch = Memory.scratch()) {
            AttentionPooling.Tensors t = new AttentionPooling.Tensors(w.copy(scratch, h + "probe", 1, 1, d),
                    w.copy(scratch, a + "in_proj_weight", 3L * d, d), w.copy(scratch, a + "in_proj_bias", 3L * d),
                    w.copy(scratch, a + "out_proj.weight", d, d), w.copy(scratch, a + "out_proj.bias", d),
                    w.copy(scratch, h + "layernorm.weight", d), w.copy(scratch, h + "layernorm.bias", d),
                    w.copy(scratch, h + "mlp.fc1.weight", m, d), w.copy(scratch, h + "mlp.fc1.bias", m),
                    w.copy(scratch, h + "mlp.fc2.weight", d, m), w.copy(scratch, h + "mlp.fc2.bias", d));
            return AttentionPooling.pack(t, c.heads(), c.eps(), c.activation(), w.arena());
        }
    }
}
