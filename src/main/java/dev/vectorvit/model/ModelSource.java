package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.Json;
import dev.vectorvit.kernels.Activation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model folder as downloaded from a hub: {@code config.json}, {@code model.safetensors} and, for
 * Hugging Face, an optional {@code preprocessor_config.json}. The layout is told from the config
 * (Hugging Face: hidden_size & co.; timm: architecture, model_args, pretrained_cfg) and checked against
 * the weights' key names when they load.
 *
 * @param preprocessing the Hugging Face preprocessor config or timm's pretrained_cfg; null when absent
 */
public record ModelSource(Path dir, Path configFile, Path weightsFile, Layout layout, ViTConfig config,
                          Map<String, Object> preprocessing) {

    private static final Pattern TIMM_NAME = Pattern.compile("vit_(tiny|small|base|large|huge)_patch(\\d+)_(\\d+)");

    /** Reads the folder's config; the weights file is only located here. */
    public static ModelSource read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "model folder not found");
        }
        Path configFile = dir.resolve("config.json");
        Path weights = dir.resolve("model.safetensors");
        for (Path p : List.of(configFile, weights)) {
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString(), null, "missing in the model folder");
            }
        }
        Map<String, Object> json = Json.object(Json.parse(configFile), "config", configFile.toString());
        String src = configFile.toString();
        if (json.containsKey("hidden_size")) {
            Path pre = dir.resolve("preprocessor_config.json");
            Map<String, Object> preprocessing = Files.isRegularFile(pre)
                    ? Json.object(Json.parse(pre), "preprocessor config", pre.toString()) : null;
            return new ModelSource(dir, configFile, weights, Layout.HUGGING_FACE, huggingFace(json, src), preprocessing);
        }
        if (json.containsKey("architecture") || json.containsKey("model_args")) {
            Object cfg = json.get("pretrained_cfg");
            Map<String, Object> pretrained = cfg instanceof Map<?, ?> ? Json.object(cfg, "pretrained_cfg", src) : null;
            return new ModelSource(dir, configFile, weights, Layout.TIMM, timm(json, pretrained, src), pretrained);
        }
        throw new FormatException(src + ": neither a Hugging Face ViT config (hidden_size, ...) nor a timm one "
                + "(architecture, model_args)");
    }

    static ViTConfig huggingFace(Map<String, Object> j, String src) throws FormatException {
        List<String> labels = null;
        int classes;
        if (j.get("id2label") instanceof Map<?, ?>) {
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
        return build(src, intValue(j, "image_size", 224, src), intValue(j, "patch_size", 16, src),
                intValue(j, "num_channels", 3, src), intValue(j, "hidden_size", 768, src),
                intValue(j, "num_hidden_layers", 12, src), intValue(j, "num_attention_heads", 12, src),
                intValue(j, "intermediate_size", 3072, src), classes,
                (float) doubleValue(j, "layer_norm_eps", 1e-12, src), activation(act, src), labels);
    }

    static ViTConfig timm(Map<String, Object> j, Map<String, Object> pretrained, String src) throws FormatException {
        int image = 224, patch = 16, dim = 768, depth = 12, heads = 12;
        double mlpRatio = 4;
        if (j.containsKey("architecture")) {
            String arch = Json.string(j.get("architecture"), "architecture", src);
            Matcher m = TIMM_NAME.matcher(arch);
            if (m.lookingAt()) {
                int[] size = switch (m.group(1)) {
                    case "tiny" -> new int[] {192, 12, 3};
                    case "small" -> new int[] {384, 12, 6};
                    case "base" -> new int[] {768, 12, 12};
                    case "large" -> new int[] {1024, 24, 16};
                    default -> new int[] {1280, 32, 16};
                };
                dim = size[0];
                depth = size[1];
                heads = size[2];
                patch = nameNumber(m.group(2), "patch size", arch, src);
                image = nameNumber(m.group(3), "image size", arch, src);
            } else if (!j.containsKey("model_args")) {
                throw new FormatException(src + ": timm architecture '" + arch
                        + "' is not a vit_{tiny,small,base,large,huge}_patchP_S name and there are no model_args");
            }
        }
        if (pretrained != null && pretrained.get("input_size") instanceof List<?>) {
            List<Object> in = Json.array(pretrained.get("input_size"), "pretrained_cfg.input_size", src);
            if (in.size() == 3) {
                image = (int) Json.integer(in.get(2), "pretrained_cfg.input_size[2]", src);
            }
        }
        if (j.get("model_args") instanceof Map<?, ?>) {
            Map<String, Object> a = Json.object(j.get("model_args"), "model_args", src);
            image = intValue(a, "img_size", image, src);
            patch = intValue(a, "patch_size", patch, src);
            dim = intValue(a, "embed_dim", dim, src);
            depth = intValue(a, "depth", depth, src);
            heads = intValue(a, "num_heads", heads, src);
            mlpRatio = doubleValue(a, "mlp_ratio", mlpRatio, src);
        }
        int classes = intValue(j, "num_classes", pretrained != null ? intValue(pretrained, "num_classes", 1000, src) : 1000, src);
        List<String> labels = null;
        if (j.get("label_names") instanceof List<?>) {
            labels = new ArrayList<>();
            for (Object o : Json.array(j.get("label_names"), "label_names", src)) {
                labels.add(Json.string(o, "label_names[" + labels.size() + "]", src));
            }
        }
        return build(src, image, patch, 3, dim, depth, heads, (int) Math.round(dim * mlpRatio), classes, 1e-6f,
                Activation.GELU_ERF, labels);
    }

    private static ViTConfig build(String src, int image, int patch, int channels, int hidden, int layers, int heads,
                                   int mlp, int classes, float eps, Activation act, List<String> labels)
            throws FormatException {
        try {
            return new ViTConfig(image, patch, channels, hidden, layers, heads, mlp, classes, eps, act, labels);
        } catch (IllegalArgumentException e) {
            throw new FormatException(src + ": " + e.getMessage(), e);
        }
    }

    private static Activation activation(String name, String src) throws FormatException {
        return switch (name) {
            case "gelu" -> Activation.GELU_ERF;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activation.GELU_TANH;
            default -> throw new FormatException(src + ": hidden_act '" + name + "' is not supported (gelu, gelu_new)");
        };
    }

    /** A number in a timm architecture name, which the name's digits may take beyond an int. */
    private static int nameNumber(String digits, String what, String arch, String src) throws FormatException {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new FormatException(src + ": timm architecture '" + arch + "' has a " + what + " out of range", e);
        }
    }

    private static int intValue(Map<String, Object> j, String key, int fallback, String src) throws FormatException {
        if (!j.containsKey(key) || j.get(key) == null || j.get(key) == Json.NULL) {
            return fallback;
        }
        long v = Json.integer(j.get(key), key, src);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new FormatException(src + ": " + key + " = " + v + " is out of range");
        }
        return (int) v;
    }

    private static double doubleValue(Map<String, Object> j, String key, double fallback, String src)
            throws FormatException {
        if (!j.containsKey(key) || j.get(key) == null || j.get(key) == Json.NULL) {
            return fallback;
        }
        return Json.number(j.get(key), key, src);
    }
}
