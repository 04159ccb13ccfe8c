package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.ImagePreprocessing;
import dev.vectorvit.io.Json;
import dev.vectorvit.kernels.Activation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * timm {@code VisionTransformer}: config.json with architecture, model_args and pretrained_cfg (which also
 * holds the preprocessing), fused qkv, "blocks.{i}." names.
 */
final class TimmViT implements CheckpointFormat {
    private static final Pattern NAME = Pattern.compile("vit_(tiny|small|base|large|huge)_patch(\\d+)_(\\d+)");

    @Override
    public String name() {
        return "timm ViT";
    }

    @Override
    public String describes() {
        return "timm vit_* (architecture, model_args)";
    }

    @Override
    public boolean reads(Map<String, Object> config) {
        return !config.containsKey("model_type")
                && (config.containsKey("architecture") || config.containsKey("model_args"));
    }

    @Override
    public ViTConfig config(Map<String, Object> config, String src) throws FormatException {
        return config(config, preprocessorConfig(null, config, src), src);
    }

    /** timm's pretrained_cfg, or null. */
    @Override
    public Map<String, Object> preprocessorConfig(Path dir, Map<String, Object> config, String src)
            throws FormatException {
        Object cfg = config.get("pretrained_cfg");
        return cfg instanceof Map<?, ?> ? Json.object(cfg, "pretrained_cfg", src) : null;
    }

    @Override
    public ImagePreprocessing preprocessing(ModelSource source) throws FormatException {
        ViTConfig c = source.config();
        return ImagePreprocessing.timm(source.preprocessing(), c.imageHeight(), c.imageWidth(),
                source.configFile() + " pretrained_cfg");
    }

    /** The config from the architecture name, pretrained_cfg and model_args, each overriding the one before. */
    static ViTConfig config(Map<String, Object> j, Map<String, Object> pretrained, String src) throws FormatException {
        int[] image = {224, 224};
        int patch = 16, dim = 768, depth = 12, heads = 12;
        double mlpRatio = 4;
        if (j.containsKey("architecture")) {
            String arch = Json.string(j.get("architecture"), "architecture", src);
            Matcher m = NAME.matcher(arch);
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
                int side = nameNumber(m.group(3), "image size", arch, src);
                image = new int[] {side, side};
            } else if (!j.containsKey("model_args")) {
                throw new FormatException(src + ": timm architecture '" + arch
                        + "' is not a vit_{tiny,small,base,large,huge}_patchP_S name and there are no model_args");
            }
        }
        if (pretrained != null && pretrained.get("input_size") instanceof List<?>) {
            List<Object> in = Json.array(pretrained.get("input_size"), "pretrained_cfg.input_size", src);
            if (in.size() == 3) {
                image = new int[] {ConfigValues.positive(in.get(1), "pretrained_cfg.input_size[1]", src),
                        ConfigValues.positive(in.get(2), "pretrained_cfg.input_size[2]", src)};
            }
        }
        if (j.get("model_args") instanceof Map<?, ?>) {
            Map<String, Object> a = Json.object(j.get("model_args"), "model_args", src);
            image = ConfigValues.imageSize(a, "img_size", image[0], image[1], src);
            patch = ConfigValues.intValue(a, "patch_size", patch, src);
            dim = ConfigValues.intValue(a, "embed_dim", dim, src);
            depth = ConfigValues.intValue(a, "depth", depth, src);
            heads = ConfigValues.intValue(a, "num_heads", heads, src);
            mlpRatio = ConfigValues.doubleValue(a, "mlp_ratio", mlpRatio, src);
        }
        int classes = ConfigValues.intValue(j, "num_classes",
                pretrained != null ? ConfigValues.intValue(pretrained, "num_classes", 1000, src) : 1000, src);
        List<String> labels = null;
        if (j.get("label_names") instanceof List<?>) {
            labels = new ArrayList<>();
            for (Object o : Json.array(j.get("label_names"), "label_names", src)) {
                labels.add(Json.string(o, "label_names[" + labels.size() + "]", src));
            }
        }
        int h = image[0], w = image[1], p = patch, d = dim, l = depth, n = heads;
        int mlp = (int) Math.round(dim * mlpRatio);
        List<String> names = labels;
        return ConfigValues.build(src, () -> new ViTConfig(h, w, p, 3, d, l, n, mlp, classes, 1e-6f,
                Activation.GELU_ERF, names, 1, Classifier.CLASS_TOKEN, Tower.VIT));
    }

    /** A number in a timm architecture name, which the name's digits may take beyond an int. */
    private static int nameNumber(String digits, String what, String arch, String src) throws FormatException {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new FormatException(src + ": timm architecture '" + arch + "' has a " + what + " out of range", e);
        }
    }

    @Override
    public String marker() {
        return "cls_token";
    }

    @Override
    public String layerPrefix(int i) {
        return "blocks." + i + ".";
    }

    @Override
    public ViTWeights.Layer layer(WeightLoader w, ViTConfig c, int i) throws IOException {
        String l = layerPrefix(i);
        int d = c.hidden(), m = c.mlp();
        return new ViTWeights.Layer(
                w.copy(l + "norm1.weight", d), w.copy(l + "norm1.bias", d),
                w.linear(l + "attn.qkv.weight", 3 * d, d), w.copy(l + "attn.qkv.bias", 3 * d),
                w.linear(l + "attn.proj.weight", d, d), w.copy(l + "attn.proj.bias", d),
                w.copy(l + "norm2.weight", d), w.copy(l + "norm2.bias", d),
                w.linear(l + "mlp.fc1.weight", m, d), w.copy(l + "mlp.fc1.bias", m),
                w.linear(l + "mlp.fc2.weight", d, m), w.copy(l + "mlp.fc2.bias", d));
    }

    @Override
    public ViTWeights weights(WeightLoader w, ViTConfig c, ViTWeights.Layer[] layers) throws IOException {
        int d = c.hidden(), p = c.patchSize();
        return new ViTWeights(w.copy("cls_token", 1, 1, d), w.positions("pos_embed", 0, false),
                w.linear("patch_embed.proj.weight", d, c.channels(), p, p), w.copy("patch_embed.proj.bias", d),
                layers, w.copy("norm.weight", d), w.copy("norm.bias", d),
                new ViTWeights.Linear[] {w.head("head", c)});
    }
}
