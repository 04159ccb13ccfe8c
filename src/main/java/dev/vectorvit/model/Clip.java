package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import java.io.IOException;
import java.util.Map;

/**
 * Hugging Face CLIP's image tower, from a full {@code CLIPModel} download (model_type "clip": text and vision
 * towers in one file, the vision settings nested under {@code vision_config}, {@code projection_dim} at the
 * top; the text tower is not read) or from {@code CLIPVisionModelWithProjection} / {@code CLIPVisionModel}
 * (model_type "clip_vision_model"). "vision_model." names: a patch embedding without bias, a class embedding
 * [D], {@code pre_layrnorm}, quick_gelu blocks, {@code post_layernorm} on the class token and
 * {@code visual_projection} without bias.
 */
final class Clip implements TowerFormat {
    private static final String FULL = "CLIPModel";
    private static final String WITH_PROJECTION = "CLIPVisionModelWithProjection";
    private static final String VISION = "CLIPVisionModel";
    private static final String MODEL = "vision_model.";
    /** transformers' CLIPVisionConfig defaults (openai/clip-vit-base-patch32). */
    private static final Map<String, Object> DEFAULTS = Map.of("hidden_size", 768L, "intermediate_size", 3072L,
            "num_hidden_layers", 12L, "num_attention_heads", 12L, "image_size", 224L, "patch_size", 32L,
            "hidden_act", "quick_gelu", "layer_norm_eps", 1e-5);
    /** CLIPConfig's and CLIPVisionConfig's default {@code projection_dim}. */
    private static final int PROJECTION = 512;

    @Override
    public String name() {
        return "Hugging Face CLIP";
    }

    @Override
    public String describes() {
        return "model_type 'clip' (" + FULL + "), 'clip_vision_model' (" + WITH_PROJECTION + ", " + VISION + ")";
    }

    @Override
    public boolean reads(Map<String, Object> config) {
        Object type = config.get("model_type");
        return "clip".equals(type) || "clip_vision_model".equals(type);
    }

    @Override
    public ViTConfig config(Map<String, Object> config, String src) throws FormatException {
        boolean full = "clip".equals(config.get("model_type"));
        String arch = Formats.architecture(config, src);
        boolean projected = full ? arch == null || arch.equals(FULL) : WITH_PROJECTION.equals(arch);
        if (!projected && !(!full && VISION.equals(arch))) {
            throw new FormatException(src + ": architecture " + (arch == null ? "(none)" : "'" + arch + "'")
                    + " is not supported for model_type '" + config.get("model_type") + "' (supported: "
                    + (full ? FULL : WITH_PROJECTION + ", " + VISION) + ")");
        }
        // The projection's width is the top level's projection_dim in both layouts (CLIPModel ignores the
        // vision_config's).
        int projection = projected ? ConfigValues.intValue(config, "projection_dim", PROJECTION, src) : 0;
        return ConfigValues.huggingFace(ConfigValues.visionConfig(config, full, DEFAULTS, src), src, 1,
                Classifier.NONE, new Tower(Tower.Kind.CLIP, projection));
    }

    @Override
    public String marker() {
        return MODEL + "embeddings.class_embedding";
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public ViTWeights weights(WeightLoader w, ViTConfig c, ViTWeights.Layer[] layers) throws IOException {
        int d = c.hidden(), p = c.patchSize(), projection = c.tower().projection();
        String e = MODEL + "embeddings.";
        TowerWeights tower = new TowerWeights(w.copy(MODEL + "pre_layrnorm.weight", d),
                w.copy(MODEL + "pre_layrnorm.bias", d),
                projection > 0 ? w.linear("visual_projection.weight", projection, d) : null, null);
        return new ViTWeights(w.copy(e + "class_embedding", d), w.positionTable(e + "position_embedding.weight"),
                w.linear(e + "patch_embedding.weight", d, c.channels(), p, p), null, layers,
                w.copy(MODEL + "post_layernorm.weight", d), w.copy(MODEL + "post_layernorm.bias", d),
                new ViTWeights.Linear[0], tower);
    }
}
