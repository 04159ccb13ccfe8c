package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.Json;
import dev.vectorvit.kernels.Activation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Reading config.json values with defaults, and the Hugging Face keys the ViT family shares. */
final class ConfigValues {
    private ConfigValues() {}

    /**
     * A Hugging Face ViT-family config (hidden_size, num_hidden_layers, ... with transformers' defaults)
     * with the given prefix tokens and head.
     */
    static ViTConfig huggingFace(Map<String, Object> j, String src, int prefixTokens, Classifier classifier)
            throws FormatException {
        return huggingFace(j, src, prefixTokens, classifier, Tower.VIT);
    }

    /** {@link #huggingFace(Map, String, int, Classifier)} of another tower; without head the labels are not read. */
    static ViTConfig huggingFace(Map<String, Object> j, String src, int prefixTokens, Classifier classifier, Tower tower)
            throws FormatException {
        List<String> labels = null;
        int classes;
        if (classifier == Classifier.NONE) {
            // No head reads id2label or num_labels, whatever a feature extractor's config says of them.
            classes = 0;
        } else if (j.get("id2label") instanceof Map<?, ?>) {
            Map<String, Object> id2label = Json.object(j.get("id2label"), "id2label", src);
            classes = id2label.size();
            String[] names = new String[classes];
            for (Map.Entry<String, Object> e : id2label.entrySet()) {
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new FormatException(src + ": id2label key '" + e.getKey() + "' is not an integer");
                }
                if (id < 0 || id >= classes || names[id] != null) {
                    throw new FormatException(src + ": id2label ids must be 0.." + (classes - 1) + " once each, found " + id);
                }
                names[id] = Json.string(e.getValue(), "id2label." + id, src);
            }
            labels = List.of(names);
        } else {
            classes = intValue(j, "num_labels", 2, src);
        }
        String act = j.containsKey("hidden_act") ? Json.string(j.get("hidden_act"), "hidden_act", src) : "gelu";
        int[] image = imageSize(j, "image_size", 224, 224, src);
        int patch = intValue(j, "patch_size", 16, src);
        int channels = intValue(j, "num_channels", 3, src), hidden = intValue(j, "hidden_size", 768, src);
        int layers = intValue(j, "num_hidden_layers", 12, src), heads = intValue(j, "num_attention_heads", 12, src);
        int mlp = intValue(j, "intermediate_size", 3072, src);
        float eps = (float) doubleValue(j, "layer_norm_eps", 1e-12, src);
        Activation activation = activation(act, src);
        List<String> names = labels;
        return build(src, () -> new ViTConfig(image[0], image[1], patch, channels, hidden, layers, heads, mlp, classes,
                eps, activation, names, prefixTokens, classifier, tower));
    }

    /**
     * The vision tower's settings of a two-tower config (CLIP's, SigLIP's {@code vision_config}) or of a
     * vision-only one ({@code nested} false: the config itself), over the tower's own defaults, which differ
     * from ViT's (transformers fills in the same ones).
     */
    static Map<String, Object> visionConfig(Map<String, Object> config, boolean nested, Map<String, Object> defaults,
                                            String src) throws FormatException {
        Map<String, Object> out = new HashMap<>(defaults);
        if (!nested) {
            out.putAll(config);
        } else if (config.containsKey("vision_config")) {
            out.putAll(Json.object(config.get("vision_config"), "vision_config", src));
        }
        return out;
    }

    /** A ViTConfig whose constructor may refuse the values: the refusal as a FormatException naming the file. */
    static ViTConfig build(String src, Supplier<ViTConfig> config) throws FormatException {
        try {
            return config.get();
        } catch (IllegalArgumentException e) {
            throw new FormatException(src + ": " + e.getMessage(), e);
        }
    }

    private static Activation activation(String name, String src) throws FormatException {
        return switch (name) {
            case "gelu" -> Activation.GELU_ERF;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            case "quick_gelu" -> Activation.QUICK_GELU;
            default -> throw new FormatException(src + ": hidden_act '" + name
                    + "' is not supported (gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, quick_gelu)");
        };
    }

    static int intValue(Map<String, Object> j, String key, int fallback, String src) throws FormatException {
        return absent(j, key) ? fallback : positive(j.get(key), key, src);
    }

    /**
     * An image size {height, width}: one integer for a square, or a [height, width] list, both of which
     * transformers' configs and timm's img_size accept.
     */
    static int[] imageSize(Map<String, Object> j, String key, int fallbackHeight, int fallbackWidth, String src)
            throws FormatException {
        if (absent(j, key)) {
            return new int[] {fallbackHeight, fallbackWidth};
        }
        if (!(j.get(key) instanceof List<?>)) {
            int side = positive(j.get(key), key, src);
            return new int[] {side, side};
        }
        List<Object> hw = Json.array(j.get(key), key, src);
        if (hw.size() != 2) {
            throw new FormatException(src + ": " + key + " must be an integer or [height, width], got " + hw.size()
                    + " values");
        }
        return new int[] {positive(hw.get(0), key + "[0]", src), positive(hw.get(1), key + "[1]", src)};
    }

    private static boolean absent(Map<String, Object> j, String key) {
        return !j.containsKey(key) || j.get(key) == null || j.get(key) == Json.NULL;
    }

    /** An integer in 1..Integer.MAX_VALUE. */
    static int positive(Object value, String key, String src) throws FormatException {
        long v = Json.integer(value, key, src);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new FormatException(src + ": " + key + " = " + v + " is out of range");
        }
        return (int) v;
    }

    static double doubleValue(Map<String, Object> j, String key, double fallback, String src)
            throws FormatException {
        if (absent(j, key)) {
            return fallback;
        }
        return Json.number(j.get(key), key, src);
    }
}
